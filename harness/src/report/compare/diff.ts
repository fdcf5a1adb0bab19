// What changed between two runs: requirements and scenarios whose verdict
// changed (regression, improvement, or a change of coverage), and calls that
// behaved differently (outcome, code, cluster named, whose data, audit users).
// Calls are paired by scenario id and call index: both runs executed the same
// steps, so call 3 of a scenario is the same request in both.
import { answerText, tupleText } from "../call-text.js";
import type { CallRecord } from "../model.js";
import type { RequirementVerdict, ScenarioEntry } from "../verdict.js";
import type { ReportSide } from "./load.js";

export type ChangeKind = "regression" | "improvement" | "coverage" | "change";

/** How bad a judged verdict is; undefined for verdicts that judged nothing (skipped, not run, uncovered). */
const SEVERITY: Partial<Record<RequirementVerdict, number>> = {
  pass: 0,
  partial: 1,
  untestable: 2,
  "expected-failure": 3,
  warning: 4,
  fail: 5,
};

export function changeKind(before: RequirementVerdict, after: RequirementVerdict): ChangeKind {
  const a = SEVERITY[before];
  const b = SEVERITY[after];
  if (a === undefined || b === undefined) return "coverage";
  if (b > a) return "regression";
  if (b < a) return "improvement";
  return "change";
}

/** A check as compare sees it: its id and its own result, before any expected-failures file. */
interface RawCheck {
  key: string;
  status: string;
  level: "MUST" | "SHOULD";
}

/**
 * The verdict the checks themselves give, ignoring the expected-failures file: a
 * changed file changes what is expected, not how the provider behaves.
 */
function rawVerdict(checks: readonly RawCheck[]): RequirementVerdict | undefined {
  const failing = checks.filter((c) => c.status === "fail");
  if (failing.some((c) => c.level === "MUST")) return "fail";
  if (failing.length) return "warning";
  const untestable = checks.some((c) => c.status === "untestable");
  const passed = checks.some((c) => c.status === "pass");
  if (untestable) return passed ? "partial" : "untestable";
  return passed ? "pass" : undefined;
}

const sameKeys = (x: readonly RawCheck[], y: readonly RawCheck[]) =>
  x
    .map((c) => c.key)
    .sort()
    .join("\n") ===
  y
    .map((c) => c.key)
    .sort()
    .join("\n");

/**
 * Regression or improvement only when the same checks judged both sides; other
 * checks (a narrower selection, skipped scenarios, new checks) are a coverage
 * change; the same checks with the same results but another listing in the
 * expected-failures file are a `change`.
 */
export function judgedChange(x: readonly RawCheck[], y: readonly RawCheck[]): ChangeKind {
  if (!sameKeys(x, y)) return "coverage";
  const a = rawVerdict(x);
  const b = rawVerdict(y);
  if (a === undefined || b === undefined) return "coverage";
  return changeKind(a, b);
}

function rawChecks(s: ScenarioEntry | undefined, requirement?: string): RawCheck[] {
  if (!s || s.verdict === "skipped") return [];
  return s.checks
    .filter((c) => requirement === undefined || c.requirements.includes(requirement))
    .filter((c) => c.status !== "skipped")
    .map((c) => ({ key: `${s.id}#${c.id}`, status: c.status, level: c.level }));
}

export interface RequirementChange {
  id: string;
  level: "MUST" | "SHOULD";
  title: string;
  before: RequirementVerdict;
  after: RequirementVerdict;
  kind: ChangeKind;
  /** Scenarios judging it whose verdict changed too. */
  scenarios: string[];
}

export interface ScenarioChange {
  id: string;
  name: string;
  before: RequirementVerdict;
  after: RequirementVerdict;
  kind: ChangeKind;
  /** The first failing (else unjudged) check of the worse side. */
  why?: string;
}

/** The facts of one call that `compare` looks at (never text that varies between runs, such as ports). */
export interface CallFacts {
  answer: string;
  named?: string;
  dataFrom?: string;
  /** `alice@A 200`, sorted, once each. */
  audit: string[];
}

export interface CallChange {
  scenario: string;
  index: number;
  request: string;
  tuple: string;
  before?: CallFacts;
  after?: CallFacts;
  /** Which facts differ: answer, named, dataFrom, audit, or `missing` when one side has no such call. */
  differs: string[];
}

export interface Comparison {
  a: { label: string; profile: string; outcome: string; dir: string };
  b: { label: string; profile: string; outcome: string; dir: string };
  requirements: RequirementChange[];
  scenarios: ScenarioChange[];
  calls: CallChange[];
  regressions: number;
  improvements: number;
  /** Why the comparison may mislead (different selections, spec versions). */
  warnings: string[];
}

export function callFacts(c: CallRecord): CallFacts {
  const audit = [...new Set((c.audit ?? []).map((s) => `${s.user}@${s.cluster} ${s.status}`))].sort();
  return {
    answer: answerText({ ...c.answer, text: undefined }),
    ...(c.answer.namedCluster ? { named: c.answer.namedCluster } : {}),
    ...(c.answer.dataFrom ? { dataFrom: c.answer.dataFrom } : {}),
    audit,
  };
}

function differing(x: CallFacts, y: CallFacts): string[] {
  const out: string[] = [];
  if (x.answer !== y.answer) out.push("answer");
  if (x.named !== y.named) out.push("named");
  if (x.dataFrom !== y.dataFrom) out.push("dataFrom");
  if (x.audit.join() !== y.audit.join()) out.push("audit");
  return out;
}

function why(s: ScenarioEntry | undefined): string | undefined {
  if (!s) return undefined;
  const c = s.checks.find((x) => x.status === "fail") ?? s.checks.find((x) => x.status === "untestable");
  if (c) return `${c.id} [${c.requirements.join(", ")}]: ${(c.message ?? c.expectation).split("\n")[0]}`;
  return s.reason;
}

const scenarioVerdict = (s: ScenarioEntry | undefined): RequirementVerdict => s?.verdict ?? "not-run";

function callChanges(sa: ScenarioEntry, sb: ScenarioEntry): CallChange[] {
  const out: CallChange[] = [];
  const ca = new Map((sa.record?.calls ?? []).map((c) => [c.index, c]));
  const cb = new Map((sb.record?.calls ?? []).map((c) => [c.index, c]));
  for (const index of [...new Set([...ca.keys(), ...cb.keys()])].sort((x, y) => x - y)) {
    const x = ca.get(index);
    const y = cb.get(index);
    const any = (x ?? y) as CallRecord;
    const base = {
      scenario: sa.id,
      index,
      request: `${any.method}${any.tool ? ` ${any.tool}` : ""}${any.control ? " (control)" : ""}`,
      tuple: tupleText(any.tuple),
    };
    if (!x || !y) {
      out.push({
        ...base,
        ...(x ? { before: callFacts(x) } : {}),
        ...(y ? { after: callFacts(y) } : {}),
        differs: ["missing"],
      });
      continue;
    }
    const fx = callFacts(x);
    const fy = callFacts(y);
    const d = differing(fx, fy);
    if (tupleText(x.tuple) !== tupleText(y.tuple)) d.unshift("tuple");
    if (d.length) out.push({ ...base, before: fx, after: fy, differs: d });
  }
  const ba = new Map((sa.record?.batches ?? []).map((b) => [b.index, b]));
  for (const b of sb.record?.batches ?? []) {
    const a = ba.get(b.index);
    const fmt = (o: Record<string, number>) =>
      Object.entries(o)
        .sort()
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
    if (a && fmt(a.outcomes) !== fmt(b.outcomes))
      out.push({
        scenario: sa.id,
        index: b.index,
        request: b.label,
        tuple: `${b.calls} calls`,
        before: { answer: fmt(a.outcomes), audit: [] },
        after: { answer: fmt(b.outcomes), audit: [] },
        differs: ["answer"],
      });
  }
  return out;
}

export function compareReports(a: ReportSide, b: ReportSide): Comparison {
  const va = a.doc.verdict;
  const vb = b.doc.verdict;
  const warnings: string[] = [];
  if ((a.doc.tags ?? "") !== (b.doc.tags ?? "") || (a.doc.scenarioGlob ?? "") !== (b.doc.scenarioGlob ?? ""))
    warnings.push(
      `the runs selected different scenarios (A: ${a.doc.tags ?? a.doc.scenarioGlob ?? "all"}; B: ${b.doc.tags ?? b.doc.scenarioGlob ?? "all"}); scenarios run by one side only are listed as coverage changes`,
    );
  if (a.doc.harness.specVersion !== b.doc.harness.specVersion)
    warnings.push(`different spec versions: A ${a.doc.harness.specVersion}, B ${b.doc.harness.specVersion}`);
  const capsA = [...a.doc.target.capabilities].sort().join(", ");
  const capsB = [...b.doc.target.capabilities].sort().join(", ");
  if (capsA !== capsB)
    warnings.push(`different capabilities claimed: A ${capsA || "none"}; B ${capsB || "none"}`);

  const sa = new Map(va.scenarios.map((s) => [s.id, s]));
  const sb = new Map(vb.scenarios.map((s) => [s.id, s]));
  const scenarioIds = [...new Set([...sa.keys(), ...sb.keys()])].sort();
  const scenarios: ScenarioChange[] = [];
  const calls: CallChange[] = [];
  for (const id of scenarioIds) {
    const x = sa.get(id);
    const y = sb.get(id);
    const before = scenarioVerdict(x);
    const after = scenarioVerdict(y);
    if (before !== after) {
      const kind = judgedChange(rawChecks(x), rawChecks(y));
      const w = why(kind === "improvement" ? x : y);
      scenarios.push({ id, name: (y ?? x)?.name ?? id, before, after, kind, ...(w ? { why: w } : {}) });
    }
    if (x && y && x.verdict !== "skipped" && y.verdict !== "skipped") calls.push(...callChanges(x, y));
  }
  const changedScenarios = new Set(scenarios.map((s) => s.id));
  const ra = new Map(va.requirements.map((r) => [r.id, r]));
  const rb = new Map(vb.requirements.map((r) => [r.id, r]));
  const requirements: RequirementChange[] = [];
  for (const id of [...new Set([...ra.keys(), ...rb.keys()])]) {
    const x = ra.get(id);
    const y = rb.get(id);
    const before = x?.verdict ?? "uncovered";
    const after = y?.verdict ?? "uncovered";
    if (before === after) continue;
    const judgedBy = [...new Set([...(x?.scenarios ?? []), ...(y?.scenarios ?? [])])].filter((s) =>
      changedScenarios.has(s),
    );
    const checksOf = (side: Map<string, ScenarioEntry>, r: typeof x) =>
      (r?.scenarios ?? []).flatMap((sid) => rawChecks(side.get(sid), id));
    requirements.push({
      id,
      level: (y ?? x)?.level ?? "MUST",
      title: (y ?? x)?.title ?? "",
      before,
      after,
      kind: judgedChange(checksOf(sa, x), checksOf(sb, y)),
      scenarios: judgedBy,
    });
  }
  const count = (k: ChangeKind) =>
    requirements.filter((r) => r.kind === k).length + scenarios.filter((s) => s.kind === k).length;
  return {
    a: { label: a.label, profile: a.doc.target.profile, outcome: va.outcome, dir: a.dir },
    b: { label: b.label, profile: b.doc.target.profile, outcome: vb.outcome, dir: b.dir },
    requirements,
    scenarios,
    calls,
    regressions: count("regression"),
    improvements: count("improvement"),
    warnings,
  };
}

/** 0: no regression; 1: at least one requirement or scenario got worse. */
export const compareExitCode = (c: Comparison): 0 | 1 => (c.regressions > 0 ? 1 : 0);
