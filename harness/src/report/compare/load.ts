// Reads one side of a comparison: a report directory (its verdict.json) or a
// verdict.json file.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { redactData } from "../redact.js";
import type { VerdictDocument } from "../write.js";

export class CompareInputError extends Error {}

export interface ReportSide {
  /** What the reports call this side: the directory name, or the profile when that is ambiguous. */
  label: string;
  /** The report directory (where report.html lives). */
  dir: string;
  doc: VerdictDocument;
}

const isStr = (x: unknown) => typeof x === "string";
const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);

/** The first field the comparison reads that is missing or of the wrong type, by its path. */
function shapeProblem(doc: VerdictDocument): string | undefined {
  const v = doc.verdict as unknown as Record<string, unknown>;
  if (!isObj(doc.target) || !isStr(doc.target.profile)) return "target.profile is not a string";
  if (!isStr(v.outcome)) return "verdict.outcome is not a string";
  const reqs = v.requirements as unknown[];
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i];
    if (!isObj(r)) return `verdict.requirements[${i}] is not an object`;
    for (const f of ["id", "level", "verdict"])
      if (!isStr(r[f])) return `verdict.requirements[${i}].${f} is not a string`;
    if (r.scenarios !== undefined && !Array.isArray(r.scenarios))
      return `verdict.requirements[${i}].scenarios is not a list`;
  }
  const scenarios = v.scenarios as unknown[];
  for (let i = 0; i < scenarios.length; i++) {
    const x = scenarios[i];
    if (!isObj(x)) return `verdict.scenarios[${i}] is not an object`;
    for (const f of ["id", "verdict"])
      if (!isStr(x[f])) return `verdict.scenarios[${i}].${f} is not a string`;
    if (!Array.isArray(x.checks) || !x.checks.every(isObj))
      return `verdict.scenarios[${i}].checks is not a list of checks`;
    if (x.record !== undefined && x.record !== null) {
      if (!isObj(x.record)) return `verdict.scenarios[${i}].record is not an object`;
      for (const f of ["calls", "batches"])
        if (
          x.record[f] !== undefined &&
          !(Array.isArray(x.record[f]) && (x.record[f] as unknown[]).every(isObj))
        )
          return `verdict.scenarios[${i}].record.${f} is not a list`;
    }
  }
  return undefined;
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
  const problem = shapeProblem(doc);
  if (problem)
    throw new CompareInputError(`${file}: not a verdict.json of auth-headers-conformance (${problem})`);
  const dir = dirname(file);
  // a file from elsewhere is redacted like a run's own data before anything renders it
  return { label: basename(dir), dir, doc: redactData(doc) };
}
