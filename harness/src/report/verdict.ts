// Verdicts from checks: per check, per scenario, per requirement, and the
// run's outcome. A requirement passes only when every applicable check that
// names it passed; one that could not be judged everywhere is partial; a run
// that leaves a MUST requirement partial or unexercised is PARTIAL, never
// CONFORMANT. Expected failures are matched per check, so every report tells
// them the same way.
import { GENERIC_REQUIREMENTS, requirementIdsOf } from "../checks/recorder.js";
import { classOf, DEFAULT_CLASS, type Requirement, type RequirementClass } from "../spec/requirements.js";
import { type ExpectationOutcome, type ExpectedFailure, matchExpectations } from "./expected-failures.js";
import type { ScenarioResult } from "./messages.js";
import type { CheckRecord, ScenarioRecord } from "./model.js";

export type ScenarioVerdict =
  | "pass"
  | "fail"
  | "warning"
  | "expected-failure"
  | "partial"
  | "untestable"
  | "skipped";
export type RequirementVerdict = ScenarioVerdict | "not-run" | "uncovered";

export type RunOutcome = "CONFORMANT" | "PARTIAL" | "EXPECTED FAILURES ONLY" | "NOT CONFORMANT";

export interface JudgedCheck extends CheckRecord {
  level: "MUST" | "SHOULD";
  /** Listed in the expected-failures file (with its reason). */
  expected?: { reason?: string };
}

export interface ScenarioEntry extends Omit<ScenarioResult, "record"> {
  requirements: string[];
  level: "MUST" | "SHOULD";
  verdict: ScenarioVerdict;
  checks: JudgedCheck[];
  record?: Omit<ScenarioRecord, "checks">;
  /** Why it was skipped or untestable (a capability, the harness's situation). */
  reason?: string;
  line?: number;
}

export interface RequirementEntry {
  id: string;
  level: "MUST" | "SHOULD";
  title: string;
  verdict: RequirementVerdict;
  /** Scenarios whose checks name it. */
  scenarios: string[];
  checks: { pass: number; fail: number; untestable: number; skipped: number; expected: number };
  /** Why it is partial or untestable (first reasons). */
  notes?: string[];
}

export interface Cause {
  requirements: string[];
  /** The check id (within its scenarios) that fails for this cause. */
  check: string;
  level: "MUST" | "SHOULD";
  /** The most frequent message variant. */
  message: string;
  /** Every distinct (normalised) message of the group, most frequent first, with its count. */
  variants: { message: string; checks: number }[];
  scenarios: string[];
  checks: number;
}

export interface Verdict {
  outcome: RunOutcome;
  /** true only for CONFORMANT. */
  conformant: boolean;
  counts: Record<ScenarioVerdict, number> & { total: number };
  scenarios: ScenarioEntry[];
  requirements: RequirementEntry[];
  causes: Cause[];
  expectations: ExpectationOutcome;
  /** Reasons the run fails (empty when it does not). */
  problems: string[];
  /** Why the run is PARTIAL (MUST requirements not fully judged). */
  gaps: string[];
}

export const requirementTags = requirementIdsOf;

const levelOf = (reqs: readonly string[], byId: ReadonlyMap<string, Requirement>): "MUST" | "SHOULD" =>
  reqs.some((id) => byId.get(id)?.level !== "SHOULD") ? "MUST" : "SHOULD";

/** A failing step outside the checks (undefined step, exception): judged as a failed check of the scenario's subject. */
function stepErrorCheck(r: ScenarioResult): CheckRecord {
  const tagged = requirementIdsOf(r.tags);
  const own = tagged.filter((t) => !GENERIC_REQUIREMENTS.has(t));
  return {
    id: "step-error",
    requirements: own.length ? own : tagged,
    status: "fail",
    expectation: "every step of the scenario runs",
    message: r.stepError ?? r.message ?? "a step failed",
  };
}

export function computeVerdict(
  results: readonly ScenarioResult[],
  requirements: readonly Requirement[],
  expected: readonly ExpectedFailure[] = [],
  allScenarios: readonly { id: string; tags: readonly string[]; line?: number }[] = results,
  /** The conformance class the run judges: requirements of another class are not its verdict's. */
  judgedClass: RequirementClass = DEFAULT_CLASS,
): Verdict {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const lines = new Map(allScenarios.map((s) => [s.id, s.line]));

  // ---- checks per scenario ----
  const raw = results.map((r) => {
    const checks: CheckRecord[] = [...(r.record?.checks ?? [])];
    if (r.stepError || (r.status === "failed" && !checks.some((c) => c.status === "fail")))
      checks.push(stepErrorCheck(r));
    return { r, checks };
  });
  const expectations = matchExpectations(
    expected,
    raw.map(({ r, checks }) => ({ id: r.id, ran: r.status !== "skipped" || checks.length > 0, checks })),
    new Set(allScenarios.map((s) => s.id)),
    new Set(requirements.filter((q) => !q.withdrawn).map((q) => q.id)),
  );

  const scenarios: ScenarioEntry[] = raw.map(({ r, checks }) => {
    const judged: JudgedCheck[] = checks.map((c) => {
      const e = expectations.covering[`${r.id}#${c.id}`];
      return { ...c, level: levelOf(c.requirements, byId), ...(e ? { expected: e } : {}) };
    });
    const tagged = requirementIdsOf(r.tags);
    const { record, ...rest } = r;
    const entry: ScenarioEntry = {
      ...rest,
      requirements: tagged,
      level: levelOf(tagged, byId),
      verdict: scenarioVerdict(r, judged),
      checks: judged,
      ...(lines.get(r.id) !== undefined ? { line: lines.get(r.id) } : {}),
    };
    if (record) {
      const { checks: _c, ...timeline } = record;
      entry.record = timeline;
    }
    const untestable = judged.find((c) => c.status === "untestable");
    if (entry.verdict === "skipped") entry.reason = r.message;
    else if (untestable) entry.reason = untestable.message;
    return entry;
  });

  // ---- requirements ----
  const planned = new Set(allScenarios.flatMap((s) => requirementIdsOf(s.tags)));
  const reqEntries: RequirementEntry[] = requirements
    .filter((q) => !q.withdrawn && classOf(q) === judgedClass)
    .map((q) => {
      const counts = { pass: 0, fail: 0, untestable: 0, skipped: 0, expected: 0 };
      const names = new Set<string>();
      const notes: string[] = [];
      let unexpectedFail = false;
      for (const s of scenarios) {
        const mine = s.checks.filter((c) => c.requirements.includes(q.id));
        if (s.verdict === "skipped" && s.requirements.includes(q.id) && mine.length === 0) counts.skipped++;
        for (const c of mine) {
          names.add(s.id);
          if (c.status === "fail") {
            if (c.expected) counts.expected++;
            else {
              counts.fail++;
              unexpectedFail = true;
            }
          } else counts[c.status]++;
          if (c.status === "untestable" && c.message && notes.length < 3 && !notes.includes(c.message))
            notes.push(c.message);
        }
      }
      let verdict: RequirementVerdict;
      if (unexpectedFail) verdict = q.level === "SHOULD" ? "warning" : "fail";
      else if (counts.expected) verdict = "expected-failure";
      else if (counts.untestable) verdict = counts.pass ? "partial" : "untestable";
      else if (counts.pass) verdict = "pass";
      else if (counts.skipped) verdict = "skipped";
      else verdict = planned.has(q.id) ? "not-run" : "uncovered";
      return {
        id: q.id,
        level: q.level,
        title: q.title,
        verdict,
        scenarios: [...names],
        checks: counts,
        ...(notes.length ? { notes } : {}),
      };
    });

  const counts = {
    total: scenarios.length,
    pass: 0,
    fail: 0,
    warning: 0,
    "expected-failure": 0,
    partial: 0,
    untestable: 0,
    skipped: 0,
  };
  for (const s of scenarios) counts[s.verdict]++;

  const problems: string[] = [];
  const causes = groupCauses(scenarios);
  for (const c of causes.filter((x) => x.level === "MUST"))
    problems.push(`${c.requirements.join(", ")}: ${c.message} (${c.scenarios.length} scenario(s))`);
  if (expected.length > 0) {
    const unlisted = scenarios.flatMap((s) =>
      s.checks
        .filter((c) => c.status === "fail" && !c.expected && c.level === "MUST")
        .map((c) => `${s.id}#${c.id} (${c.requirements.join(", ")})`),
    );
    if (unlisted.length > 0)
      problems.push(
        `expected failures: ${unlisted.length} failing check(s) not in the expected-failures file: ${unlisted.slice(0, 5).join(", ")}${unlisted.length > 5 ? `, … ${unlisted.length - 5} more` : ""}`,
      );
  }
  for (const id of expectations.stale) problems.push(`stale expected failure (it passes now): ${id}`);
  for (const id of expectations.unknown) problems.push(`expected failure names nothing known: ${id}`);
  const executed = scenarios.filter((s) => s.verdict !== "skipped").length;
  if (executed === 0) problems.push("no scenario was executed");

  const gaps = reqEntries
    .filter(
      (q) => q.level === "MUST" && ["partial", "untestable", "not-run", "uncovered"].includes(q.verdict),
    )
    .map((q) => `${q.id} ${q.verdict}${q.notes?.[0] ? `: ${q.notes[0]}` : ""}`);
  const expectedOnly =
    counts["expected-failure"] > 0 || reqEntries.some((q) => q.verdict === "expected-failure");
  const outcome: RunOutcome =
    problems.length > 0
      ? "NOT CONFORMANT"
      : expectedOnly
        ? "EXPECTED FAILURES ONLY"
        : gaps.length > 0
          ? "PARTIAL"
          : "CONFORMANT";
  return {
    outcome,
    conformant: outcome === "CONFORMANT",
    counts,
    scenarios,
    requirements: reqEntries,
    causes,
    expectations,
    problems,
    gaps,
  };
}

function scenarioVerdict(r: ScenarioResult, checks: JudgedCheck[]): ScenarioVerdict {
  const failing = checks.filter((c) => c.status === "fail");
  const open = failing.filter((c) => !c.expected);
  if (open.some((c) => c.level === "MUST")) return "fail";
  if (open.length > 0) return "warning";
  if (failing.length > 0) return "expected-failure";
  const untestable = checks.some((c) => c.status === "untestable");
  const passed = checks.some((c) => c.status === "pass");
  if (untestable) return passed ? "partial" : "untestable";
  if (passed) return "pass";
  if (r.status === "passed") return "pass";
  return "skipped";
}

/** Normalises a message so that the same cause in many scenarios reads as one. */
export function normaliseMessage(message: string): string {
  return (message.split("\n")[0] ?? "")
    .replace(/https?:\/\/[^\s"')]+/g, "<url>")
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, "<host>")
    .replace(/\[::1\](:\d+)?|localhost:\d+/g, "<host>")
    .replace(/system:serviceaccount:[\w.:-]+|conformance-[\w-]+@[\w.-]+|ahc-[a-z0-9-]+/g, "<user>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f-]{27,}\b/gi, "<uid>")
    .replace(/\b\d+(\.\d+)?\b/g, "N")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 240);
}

/**
 * Failing checks (not expected) grouped by requirement set and check id, most
 * frequent first: one defect seen by twenty scenarios is one cause, however its
 * messages differ (they are folded under it as variants).
 */
export function groupCauses(scenarios: readonly ScenarioEntry[]): Cause[] {
  const groups = new Map<string, Cause>();
  for (const s of scenarios) {
    for (const c of s.checks) {
      if (c.status !== "fail" || c.expected) continue;
      const message = normaliseMessage(c.message ?? c.expectation);
      const requirements = [...c.requirements].sort();
      const key = `${requirements.join(",")}|${c.id}`;
      let g = groups.get(key);
      if (!g) {
        g = { requirements, check: c.id, level: c.level, message, variants: [], scenarios: [], checks: 0 };
        groups.set(key, g);
      }
      g.checks++;
      const v = g.variants.find((x) => x.message === message);
      if (v) v.checks++;
      else g.variants.push({ message, checks: 1 });
      if (!g.scenarios.includes(s.id)) g.scenarios.push(s.id);
    }
  }
  for (const g of groups.values()) {
    g.variants.sort((a, b) => b.checks - a.checks);
    g.message = g.variants[0]?.message ?? g.message;
  }
  return [...groups.values()].sort(
    (a, b) =>
      (a.level === b.level ? 0 : a.level === "MUST" ? -1 : 1) ||
      b.scenarios.length - a.scenarios.length ||
      a.requirements.join().localeCompare(b.requirements.join()) ||
      a.check.localeCompare(b.check),
  );
}
