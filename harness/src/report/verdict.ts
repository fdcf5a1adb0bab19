// Verdict per scenario and per requirement, plus the run's outcome.
import type { Requirement } from "../spec/requirements.js";
import { applyExpectedFailures, type ExpectationOutcome, type ExpectedFailure } from "./expected-failures.js";
import type { ScenarioResult } from "./messages.js";

export type ScenarioVerdict = "pass" | "fail" | "warning" | "expected-failure" | "skipped";
export type RequirementVerdict =
  | "pass"
  | "fail"
  | "warning"
  | "expected-failure"
  | "skipped"
  | "not-run"
  | "uncovered";

export interface ScenarioEntry extends ScenarioResult {
  requirements: string[];
  level: "MUST" | "SHOULD";
  verdict: ScenarioVerdict;
}

export interface RequirementEntry {
  id: string;
  level: "MUST" | "SHOULD";
  title: string;
  verdict: RequirementVerdict;
  scenarios: string[];
}

export interface Verdict {
  conformant: boolean;
  counts: Record<ScenarioVerdict, number> & { total: number };
  scenarios: ScenarioEntry[];
  requirements: RequirementEntry[];
  expectations: ExpectationOutcome;
  /** Reasons the run fails (empty when it passes). */
  problems: string[];
}

export const requirementTags = (tags: readonly string[]) =>
  tags.filter((t) => /^@AH-[A-Z]+-\d+$/.test(t)).map((t) => t.slice(1));

export function computeVerdict(
  results: readonly ScenarioResult[],
  requirements: readonly Requirement[],
  expected: readonly ExpectedFailure[] = [],
  allScenarios: readonly { id: string; tags: readonly string[] }[] = results,
): Verdict {
  const allScenarioIds = new Set(allScenarios.map((s) => s.id));
  const reqById = new Map(requirements.map((r) => [r.id, r]));
  const statusMap = new Map(results.map((r) => [r.id, r.status] as const));
  const expectations = applyExpectedFailures(expected, statusMap, allScenarioIds);
  const expectedSet = new Set(expectations.expected);
  const problems: string[] = [];

  const scenarios: ScenarioEntry[] = results.map((r) => {
    const reqs = requirementTags(r.tags);
    const level = reqs.some((id) => reqById.get(id)?.level !== "SHOULD") ? "MUST" : "SHOULD";
    let verdict: ScenarioVerdict;
    if (r.status === "passed") verdict = "pass";
    else if (r.status === "skipped") verdict = "skipped";
    else if (expectedSet.has(r.id)) verdict = "expected-failure";
    else verdict = level === "SHOULD" ? "warning" : "fail";
    return { ...r, requirements: reqs, level, verdict };
  });

  const reqEntries: RequirementEntry[] = requirements
    .filter((r) => !r.withdrawn)
    .map((req) => {
      const mine = scenarios.filter((s) => s.requirements.includes(req.id));
      let verdict: RequirementVerdict;
      const planned = allScenarios.some((s) => requirementTags(s.tags).includes(req.id));
      if (mine.length === 0) verdict = planned ? "not-run" : "uncovered";
      else if (mine.some((s) => s.verdict === "fail" || s.verdict === "warning"))
        verdict = req.level === "SHOULD" ? "warning" : "fail";
      else if (mine.some((s) => s.verdict === "expected-failure")) verdict = "expected-failure";
      else if (mine.some((s) => s.verdict === "pass")) verdict = "pass";
      else verdict = "skipped";
      return { id: req.id, level: req.level, title: req.title, verdict, scenarios: mine.map((s) => s.id) };
    });

  const counts = { total: scenarios.length, pass: 0, fail: 0, warning: 0, "expected-failure": 0, skipped: 0 };
  for (const s of scenarios) counts[s.verdict]++;

  for (const s of scenarios) if (s.verdict === "fail") problems.push(`scenario failed: ${s.id}`);
  for (const id of expectations.stale) problems.push(`stale expected failure (scenario passes): ${id}`);
  for (const id of expectations.unknown) problems.push(`expected failure names no scenario: ${id}`);
  const executed = scenarios.filter((s) => s.verdict !== "skipped").length;
  if (executed === 0) problems.push("no scenario was executed");

  return {
    conformant: problems.length === 0,
    counts,
    scenarios,
    requirements: reqEntries,
    expectations,
    problems,
  };
}
