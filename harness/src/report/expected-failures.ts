// Expected-failures file (modelcontextprotocol/conformance style): scenario ids
// known to fail for a target. A listed scenario that passes is *stale* and
// fails the run, so the list can only shrink.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const EntrySchema = z.union([
  z.string().min(1),
  z.object({ id: z.string().min(1), reason: z.string().optional() }).strict(),
]);
const FileSchema = z.union([
  z.array(EntrySchema),
  z.object({ expectedFailures: z.array(EntrySchema) }).strict(),
]);

export interface ExpectedFailure {
  id: string;
  reason?: string;
}

export function parseExpectedFailures(text: string): ExpectedFailure[] {
  const raw = parseYaml(text) ?? [];
  const r = FileSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `invalid expected-failures file: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const list = Array.isArray(r.data) ? r.data : r.data.expectedFailures;
  return list.map((e) => (typeof e === "string" ? { id: e } : e));
}

export function loadExpectedFailures(path: string): ExpectedFailure[] {
  return parseExpectedFailures(readFileSync(path, "utf8"));
}

export type ScenarioStatus = "passed" | "failed" | "skipped";

export interface ExpectationOutcome {
  /** Listed and failed: does not fail the run. */
  expected: string[];
  /** Listed but passed: fails the run. */
  stale: string[];
  /** Listed but not run (skipped or filtered): reported, does not fail the run. */
  notRun: string[];
  /** Listed ids that match no scenario at all: fails the run (typo or renamed scenario). */
  unknown: string[];
}

export function applyExpectedFailures(
  expected: readonly ExpectedFailure[],
  results: ReadonlyMap<string, ScenarioStatus>,
  allScenarioIds: ReadonlySet<string>,
): ExpectationOutcome {
  const out: ExpectationOutcome = { expected: [], stale: [], notRun: [], unknown: [] };
  for (const { id } of expected) {
    const status = results.get(id);
    if (status === "failed") out.expected.push(id);
    else if (status === "passed") out.stale.push(id);
    else if (allScenarioIds.has(id)) out.notRun.push(id);
    else out.unknown.push(id);
  }
  return out;
}
