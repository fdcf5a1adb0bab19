// Parsing AUTH_HEADERS_DEFECT into names of the deliberate defects of the faulty entry point.
// The names are catalogue.ts's (which maps each to its behaviour in this folder), checked
// against fixtures/defects.yaml by a unit test.
import { DEFECT_NAMES, type DefectName } from "./catalogue.js";

export { DEFECT_NAMES, type DefectName };

export function isDefectName(value: string): value is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(value);
}

/** `a,b` → both; an empty list or any unknown name is an error naming what is wrong. */
export function parseDefectList(text: string): { names: DefectName[] } | { error: string } {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return { error: "AUTH_HEADERS_DEFECT names no defect" };
  const unknown = names.filter((n) => !isDefectName(n));
  if (unknown.length > 0) return { error: `unknown defect ${unknown.map((n) => `"${n}"`).join(", ")}` };
  return { names: names as DefectName[] };
}
