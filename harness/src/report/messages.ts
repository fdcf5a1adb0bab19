// Reads Cucumber messages (NDJSON envelopes) into one result per scenario,
// with the scenario's record (checks and calls) that the After hook attached.
import { basename } from "node:path";
import { SCENARIO_RECORD_MEDIA_TYPE, type ScenarioRecord } from "./model.js";

export type StepStatus = "UNKNOWN" | "PASSED" | "SKIPPED" | "PENDING" | "UNDEFINED" | "AMBIGUOUS" | "FAILED";

export interface ScenarioResult {
  /** Stable check id: `<feature-file-stem>/<slug of scenario name>`. */
  id: string;
  name: string;
  uri: string;
  tags: string[];
  status: "passed" | "failed" | "skipped";
  /** Why a step failed, or why the scenario was skipped. */
  message?: string;
  durationMs?: number;
  /** Checks and calls of the scenario (absent when it was skipped before it began). */
  record?: ScenarioRecord;
  /**
   * A step that failed by itself (an undefined step, a harness precondition,
   * an exception), as opposed to failed checks, which the record holds.
   */
  stepError?: string;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`'"]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function scenarioId(uri: string, name: string): string {
  const stem = basename(uri).replace(/\.feature$/, "");
  return `${stem}/${slug(name)}`;
}

export const SKIP_REASON_PREFIX = "skip-reason: ";
/** Start of the After hook's error when checks failed (the checks themselves are in the record). */
export const CHECKS_FAILED_PREFIX = "checks failed: ";

interface Envelope {
  pickle?: { id: string; uri: string; name: string; tags: { name: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; attempt: number; timestamp?: Ts };
  testStepFinished?: {
    testCaseStartedId: string;
    testStepResult: { status: StepStatus; message?: string; exception?: { message?: string } };
  };
  testCaseFinished?: { testCaseStartedId: string; timestamp?: Ts; willBeRetried?: boolean };
  attachment?: { testCaseStartedId?: string; body: string; mediaType: string };
}
interface Ts {
  seconds: number;
  nanos: number;
}

const FAILING: StepStatus[] = ["FAILED", "UNDEFINED", "AMBIGUOUS", "PENDING", "UNKNOWN"];

export function parseNdjson(text: string): Envelope[] {
  const out: Envelope[] = [];
  for (const line of text.split("\n")) {
    if (line.trim()) out.push(JSON.parse(line) as Envelope);
  }
  return out;
}

export function scenarioResults(envelopes: readonly Envelope[]): ScenarioResult[] {
  const pickles = new Map<string, NonNullable<Envelope["pickle"]>>();
  const testCases = new Map<string, string>(); // testCase id -> pickle id
  const started = new Map<string, { testCaseId: string; attempt: number; at?: Ts }>();
  const steps = new Map<string, { status: StepStatus; message?: string }[]>();
  const skipReasons = new Map<string, string>();
  const records = new Map<string, ScenarioRecord>();
  const finished = new Map<string, Ts | undefined>();
  for (const e of envelopes) {
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    else if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    else if (e.testCaseStarted)
      started.set(e.testCaseStarted.id, {
        testCaseId: e.testCaseStarted.testCaseId,
        attempt: e.testCaseStarted.attempt,
        at: e.testCaseStarted.timestamp,
      });
    else if (e.testStepFinished) {
      const r = e.testStepFinished.testStepResult;
      const list = steps.get(e.testStepFinished.testCaseStartedId) ?? [];
      list.push({ status: r.status, message: r.message ?? r.exception?.message });
      steps.set(e.testStepFinished.testCaseStartedId, list);
    } else if (e.testCaseFinished)
      finished.set(e.testCaseFinished.testCaseStartedId, e.testCaseFinished.timestamp);
    else if (e.attachment?.testCaseStartedId && e.attachment.mediaType === SCENARIO_RECORD_MEDIA_TYPE) {
      records.set(e.attachment.testCaseStartedId, JSON.parse(e.attachment.body) as ScenarioRecord);
    } else if (e.attachment?.testCaseStartedId && e.attachment.body.startsWith(SKIP_REASON_PREFIX)) {
      skipReasons.set(e.attachment.testCaseStartedId, e.attachment.body.slice(SKIP_REASON_PREFIX.length));
    }
  }
  // last attempt per pickle
  const lastAttempt = new Map<string, string>();
  for (const [startedId, s] of started) {
    const pickleId = testCases.get(s.testCaseId);
    if (!pickleId) continue;
    const prev = lastAttempt.get(pickleId);
    if (!prev || (started.get(prev)?.attempt ?? -1) < s.attempt) lastAttempt.set(pickleId, startedId);
  }
  const results: ScenarioResult[] = [];
  for (const [pickleId, startedId] of lastAttempt) {
    const p = pickles.get(pickleId);
    if (!p) continue;
    const st = steps.get(startedId) ?? [];
    const failing = st.filter((s) => FAILING.includes(s.status));
    const own = failing.find((s) => !(s.message ?? "").includes(CHECKS_FAILED_PREFIX));
    let status: ScenarioResult["status"];
    let message: string | undefined;
    let stepError: string | undefined;
    if (own) {
      stepError =
        own.message ?? (own.status === "UNDEFINED" ? "undefined step" : `step ${own.status.toLowerCase()}`);
    }
    if (failing.length > 0) {
      status = "failed";
      message = stepError ?? failing[0]?.message;
    } else if (st.some((s) => s.status === "SKIPPED")) {
      status = "skipped";
      message = skipReasons.get(startedId);
    } else if (st.length > 0 && st.every((s) => s.status === "PASSED")) status = "passed";
    else {
      status = "failed";
      message = "scenario did not finish";
      stepError = message;
    }
    const a = started.get(startedId)?.at;
    const b = finished.get(startedId);
    const durationMs = a && b ? (b.seconds - a.seconds) * 1000 + (b.nanos - a.nanos) / 1e6 : undefined;
    const record = records.get(startedId);
    results.push({
      id: scenarioId(p.uri, p.name),
      name: p.name,
      uri: p.uri,
      tags: p.tags.map((t) => t.name),
      status,
      ...(message !== undefined ? { message } : {}),
      durationMs,
      ...(record ? { record } : {}),
      ...(stepError !== undefined ? { stepError } : {}),
    });
  }
  return results.sort((x, y) => x.id.localeCompare(y.id));
}
