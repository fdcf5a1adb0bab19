// Reads one side of a comparison: a report directory (its verdict.json) or a
// verdict.json file.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { VerdictDocument } from "../write.js";

export class CompareInputError extends Error {}

export interface ReportSide {
  /** What the reports call this side: the directory name, or the profile when that is ambiguous. */
  label: string;
  /** The report directory (where report.html lives). */
  dir: string;
  doc: VerdictDocument;
}

export function loadReport(path: string): ReportSide {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new CompareInputError(`${path}: no such report directory or file`);
  const file = statSync(abs).isDirectory() ? join(abs, "verdict.json") : abs;
  if (!existsSync(file))
    throw new CompareInputError(`${path}: no verdict.json (is it a --report-dir of a run?)`);
  let doc: VerdictDocument;
  try {
    doc = JSON.parse(readFileSync(file, "utf8")) as VerdictDocument;
  } catch (e) {
    throw new CompareInputError(`${file}: not JSON (${(e as Error).message})`);
  }
  const v = doc?.verdict;
  if (!v || !Array.isArray(v.requirements) || !Array.isArray(v.scenarios) || !doc.target)
    throw new CompareInputError(`${file}: not a verdict.json of auth-headers-conformance`);
  const dir = dirname(file);
  return { label: basename(dir), dir, doc };
}
