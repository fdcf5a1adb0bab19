// Writes report.html next to verdict.json (called by the runner after the
// other reports), scrubbed like every other report.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadRequirements } from "../../spec/requirements.js";
import { redactAll, type SecretRegistry } from "../redact.js";
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
  writeFileSync(path, redactAll(renderReportPage(doc, { texts: requirementTexts() }), registry));
  return path;
}
