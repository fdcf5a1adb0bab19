// Writes report.html next to verdict.json (called by the runner after the
// other reports), from the redacted document like every other report.
import { join } from "node:path";
import { loadRequirements } from "../../spec/requirements.js";
import { redactData, type SecretRegistry } from "../redact.js";
import { writeNewFile } from "../report-dir.js";
import type { VerdictDocument } from "../write.js";
import { renderReportPage } from "./render.js";

export const REPORT_PAGE = "report.html";

/** The requirement texts of docs/spec.md by id (empty when the spec cannot be read). */
export function requirementTexts(): Map<string, string> {
  try {
    return new Map(loadRequirements().flatMap((r) => (r.text ? [[r.id, r.text] as const] : [])));
  } catch {
    return new Map();
  }
}

export function writeReportPage(dir: string, doc: VerdictDocument, registry?: SecretRegistry): string {
  const path = join(dir, REPORT_PAGE);
  // redacted as data, then rendered: a redaction never runs over markup
  writeNewFile(path, renderReportPage(redactData(doc, registry), { texts: requirementTexts() }));
  return path;
}
