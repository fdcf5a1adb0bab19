// What a scenario leaves behind for the reports: the checks that judged it
// and the calls it made. Steps record both in the Cucumber World; the After
// hook attaches them as one JSON document (SCENARIO_RECORD_MEDIA_TYPE), which
// crosses the worker boundary inside Cucumber's messages and is read back by
// report/messages.ts. Nothing here may hold a secret: tuples are described by
// name (cluster A, identity alice, `_meta`), never by value.

export const SCENARIO_RECORD_MEDIA_TYPE = "application/vnd.auth-headers-conformance.scenario+json";

/**
 * pass: the behaviour was seen. fail: the provider broke the rule.
 * untestable: the harness could not judge it here (no target log under
 * --target-url, a precondition of another requirement failed, the target had
 * crashed); never counts as a pass. skipped: not applicable (a capability the
 * profile does not claim, nothing to judge).
 */
export type CheckStatus = "pass" | "fail" | "untestable" | "skipped";

export interface CheckRecord {
  /** Stable within its scenario (`refused`, `error-code`, `names-header`, …); `<scenario id>#<check id>` is global. */
  id: string;
  /** Requirement ids this check judges (from docs/spec.md). */
  requirements: string[];
  status: CheckStatus;
  /** What was expected, in a few words ("refused before any API server is contacted"). */
  expectation: string;
  /** Why it failed, or why it could not be judged. */
  message?: string;
  /** The call (CallRecord.index) this check judged, for the timeline. */
  call?: number;
  /** 0-based index of the step that recorded it. */
  step?: number;
}

/** The cluster tuple of one call, by name only. */
export interface TupleLabel {
  /** Where the tuple travelled. `both`: `_meta` and headers of another identity. */
  source: "headers" | "meta" | "both" | "none";
  /** Identity whose credentials were sent (as named in the scenario: alice, carol, …). */
  identity?: string;
  /** token or cert */
  credential?: "token" | "cert";
  /** Cluster letter of the identity (A, B, C, R). */
  cluster?: string;
  /** Where kubernetes-server pointed when it was not the identity's cluster ("TCP canary", "cluster B", …). */
  server?: string;
  /** Identity behind the headers when `source` is `both`. */
  headersIdentity?: string;
  /** Deliberate changes to the identity's tuple, named without values ("kubernetes-certificate-authority-data = CA of the oracle"). */
  changes?: string[];
}

export type AnswerKind = "result" | "tool-error" | "jsonrpc-error" | "http-error" | "no-answer";

/** What the API servers' audit logs recorded during one call, for the scenario's own identities. */
export interface AuditSighting {
  cluster: string;
  /** Identity name when the user is one of the scenario's identities, else the user name. */
  user: string;
  verb: string;
  /** Resource path without query (`/api/v1/namespaces/conformance/configmaps/cluster-identity`). */
  resource: string;
  status: number;
}

export interface CallRecord {
  /** 1-based, in the order the calls were sent. */
  index: number;
  /** ms from the start of the scenario. */
  at: number;
  durationMs: number;
  method: "tools/call" | "initialize" | "tools/list" | "ping";
  tool?: string;
  transport: "http" | "stdio" | "raw-http";
  /** Session label within the scenario: s1, s2, … (a new session per connect). */
  session: string;
  /** Which instance of the target served it: the shared one, or the scenario's own (with its flags). */
  target: string;
  tuple: TupleLabel;
  answer: {
    kind: AnswerKind;
    /** `[code]` of an isError result. */
    code?: string;
    /** JSON-RPC error code, or HTTP status. */
    status?: number;
    /** First line of the text, scrubbed and cut to 200 characters. */
    text?: string;
    /** Cluster letter the result named (structuredContent.cluster or the origin line), when one did. */
    namedCluster?: string;
    /** Cluster letter whose identity uid appears in the result, when one does. */
    dataFrom?: string;
  };
  audit?: AuditSighting[];
  /** The contact witness during the call, a line per cluster contacted ("cluster A: 1 connection, 412 bytes"), or one "no contact" line. */
  contact?: string[];
  /** A control call the harness made to tell a precondition failure from the scenario's own. */
  control?: boolean;
}

/** Several calls summarised as one line (load, fuzz, concurrency steps). */
export interface CallBatch {
  /** Index of the first call of the batch in the scenario's numbering. */
  index: number;
  at: number;
  durationMs: number;
  label: string;
  calls: number;
  /** Outcome counts by kind or code ("ok", "[unauthorized]", "cross-talk", …). */
  outcomes: Record<string, number>;
}

export interface TargetEvent {
  kind: "exited" | "panic" | "unresponsive" | "restarted";
  /** ms from the start of the scenario. */
  at: number;
  detail: string;
  /** Last lines of the target's output, redacted. */
  logTail?: string;
}

export interface ScenarioRecord {
  checks: CheckRecord[];
  calls: CallRecord[];
  batches: CallBatch[];
  targetEvents: TargetEvent[];
  /** Set when the scenario ran under a workaround for another requirement's failure. */
  workarounds: { requirement: string; note: string }[];
  /**
   * Clusters whose audit log was read for this scenario's timeline. A cluster
   * missing here says nothing about who called it; absent in records written
   * before the field existed (the page then infers it from the sightings).
   */
  auditedClusters?: string[];
}

export const emptyRecord = (): ScenarioRecord => ({
  checks: [],
  calls: [],
  batches: [],
  targetEvents: [],
  workarounds: [],
});
