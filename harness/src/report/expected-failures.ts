// Expected-failures file (modelcontextprotocol/conformance style): what is
// known to fail for a target. A listed entry that passes is *stale* and fails
// the run, so the list can only shrink.
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

export interface ExpectationOutcome {
  /** Entries that matched at least one failing check: they do not fail the run. */
  expected: string[];
  /** Entries whose scenario, check or requirement ran without failing: they fail the run. */
  stale: string[];
  /** Entries whose scenario did not run (filtered or skipped): reported only. */
  notRun: string[];
  /** Entries that name no scenario, check or requirement: they fail the run (typo or rename). */
  unknown: string[];
  /** `<scenario id>#<check id>` of each failing check an entry covers, with the entry's reason. */
  covering: Record<string, { reason?: string }>;
}

export interface RanScenario {
  id: string;
  /** False when the scenario was filtered out or skipped before judging anything. */
  ran: boolean;
  checks: readonly { id: string; status: string; requirements: readonly string[] }[];
}

const REQUIREMENT = /^AH-[A-Z]+-\d+$/;

/**
 * An entry is a scenario id (covers its failing checks), `<scenario id>#<check id>`
 * (one check), or a requirement id (every failing check all of whose
 * requirements are listed): a provider that fails a rule by design lists the
 * rule once instead of every scenario that sees it.
 */
export function matchExpectations(
  entries: readonly ExpectedFailure[],
  scenarios: readonly RanScenario[],
  allScenarioIds: ReadonlySet<string>,
  requirementIds: ReadonlySet<string>,
): ExpectationOutcome {
  const out: ExpectationOutcome = { expected: [], stale: [], notRun: [], unknown: [], covering: {} };
  const listedReqs = new Set(entries.map((e) => e.id).filter((id) => REQUIREMENT.test(id)));
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  for (const entry of entries) {
    const { id, reason } = entry;
    const cover = (scenario: string, check: string) => {
      out.covering[`${scenario}#${check}`] = reason !== undefined ? { reason } : {};
    };
    if (REQUIREMENT.test(id)) {
      if (!requirementIds.has(id)) {
        out.unknown.push(id);
        continue;
      }
      let matched = false;
      let judged = false;
      for (const s of scenarios)
        for (const c of s.checks) {
          if (!c.requirements.includes(id)) continue;
          judged = true;
          if (c.status === "fail" && c.requirements.every((r) => listedReqs.has(r))) {
            matched = true;
            cover(s.id, c.id);
          }
        }
      (matched ? out.expected : judged ? out.stale : out.notRun).push(id);
      continue;
    }
    const [scenarioId, checkId] = id.split("#") as [string, string | undefined];
    if (!allScenarioIds.has(scenarioId)) {
      out.unknown.push(id);
      continue;
    }
    const s = byId.get(scenarioId);
    if (!s?.ran) {
      out.notRun.push(id);
      continue;
    }
    const failing = s.checks.filter(
      (c) => c.status === "fail" && (checkId === undefined || c.id === checkId),
    );
    for (const c of failing) cover(s.id, c.id);
    (failing.length > 0 ? out.expected : out.stale).push(id);
  }
  return out;
}
