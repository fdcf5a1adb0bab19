// The proposal's open question, answered for the provider under test: what
// happens when calls of one session switch clusters? One row per situation,
// each backed by scenarios of features/ (SITUATIONS is the only place that
// maps situations to scenario ids; a unit test fails when a mapped id no
// longer exists), with the outcome observed in this run.
import { auditedClusters, batchText, ownSightingMissing, tupleName } from "./call-text.js";
import type { CallRecord } from "./model.js";
import type { ScenarioEntry, Verdict } from "./verdict.js";

export interface Situation {
  /** Stable anchor (`sw-stateful`). */
  key: string;
  situation: string;
  /** What the spec requires, in a few words. */
  expected: string;
  /** Scenario ids (features/), the first being the one the row is mostly about. */
  scenarios: string[];
}

export const SITUATIONS: readonly Situation[] = [
  {
    key: "sw-stateful",
    situation: "A stateful session switches A → B → A",
    expected:
      "each call reaches the cluster it names, as its own identity; nothing of the earlier call is reused",
    scenarios: ["switching/a-stateful-session-switches-from-a-to-b-and-back-to-a"],
  },
  {
    key: "sw-stateless",
    situation: "A stateless provider switches A → B → A",
    expected: "the same as stateful: every POST stands alone",
    scenarios: ["switching/a-stateless-provider-switches-from-a-to-b-and-back-to-a"],
  },
  {
    key: "sw-stdio",
    situation: "Over stdio (no headers), calls switch A → B",
    expected: "_meta names the cluster of each call; a call without _meta is missing-header",
    scenarios: ["meta/over-stdio-meta-carries-the-credentials", "meta/over-stdio-a-call-without-meta-fails"],
  },
  {
    key: "sw-meta",
    situation: "_meta names B while the HTTP headers stay on A",
    expected: "_meta wins whole: the call reaches B as bob, never A, never a merge",
    scenarios: [
      "meta/meta-switches-clusters-while-the-http-headers-stay-on-a",
      "meta/meta-wins-over-the-http-headers",
    ],
  },
  {
    key: "sw-concurrent",
    situation: "Concurrent tenants on A and B in the same sessions",
    expected: "zero cross-talk: every result and every audit line belongs to the caller's own cluster",
    scenarios: [
      "switching/50-concurrent-interleaved-calls-across-clusters-and-identities-show-zero-cross-talk",
      "load/2000-calls-at-concurrency-64-across-2-clusters-and-8-identities-show-zero-cross-talk",
    ],
  },
  {
    key: "sw-same-cluster",
    situation: "Two identities (token, then another token or a certificate) on the same cluster",
    expected: "each call reaches the API server as its own identity; a pooled connection is never shared",
    scenarios: [
      "switching/two-identities-on-the-same-cluster-are-kept-apart",
      "switching/a-token-call-then-a-client-certificate-call-on-the-same-cluster-use-each-credential",
    ],
  },
  {
    key: "sw-bad-credential",
    situation: "A bad credential after a good one, same server",
    expected: "unauthorized: the good call's connection or identity is not reused",
    scenarios: ["switching/after-a-successful-call-bad-credentials-for-the-same-server-fail"],
  },
  {
    key: "sw-missing-tuple",
    situation: "A call without credentials after a successful call",
    expected: "missing-header: never the previous call's credentials",
    scenarios: ["switching/after-a-successful-call-a-call-without-credentials-for-the-same-server-fails"],
  },
  {
    key: "sw-other-ca",
    situation: "The same credential with a CA that did not sign the server",
    expected: "tls-verification-failed: the verified connection of the earlier call is not reused",
    scenarios: [
      "switching/after-a-successful-call-the-same-credential-with-a-ca-that-did-not-sign-the-server-fails",
    ],
  },
  {
    key: "sw-initialize",
    situation: "Credentials sent with initialize, then a call without a tuple",
    expected: "missing-header: what initialize carried is never kept for later calls",
    scenarios: [
      "switching/credentials-sent-with-initialize-are-not-remembered",
      "lifecycle/cluster-headers-sent-with-lifecycle-requests-are-ignored-and-not-kept",
    ],
  },
  {
    key: "sw-origin",
    situation: "After a switch, the result names the new cluster",
    expected: "the origin line names B after the switch, never A",
    scenarios: ["origin/after-a-switch-the-new-cluster-is-named-and-never-the-old-one"],
  },
];

export type SituationOutcome = "as-required" | "broken" | "expected-failure" | "not-judged" | "not-run";

export interface SituationEvidence {
  scenario: string;
  /** The scenario's verdict, or `not-run` when this run did not select it. */
  verdict: ScenarioEntry["verdict"] | "not-run";
  /** What the calls did, in one line (`A/alice → names A, B/bob → names B, …`). */
  observed: string;
  /** The first failing (or unjudged) check's message. */
  why?: string;
}

export interface SituationRow extends Situation {
  /** The requirement tags of its scenarios that this run executed. */
  requirements: string[];
  outcome: SituationOutcome;
  evidence: SituationEvidence[];
}

export interface SwitchingAnswer {
  rows: SituationRow[];
  /** One sentence for the top of the section. */
  summary: string;
}

/** One call in a few words: `B/bob → names B`, `A/alice → [unauthorized]`. */
export function callBrief(c: CallRecord, audited?: ReadonlySet<string>): string {
  const a = c.answer;
  let out: string;
  if (a.kind === "result") {
    out = a.namedCluster ? `names ${a.namedCluster}` : "result";
    if (a.dataFrom && a.dataFrom !== a.namedCluster) out += ` (data of ${a.dataFrom})`;
  } else if (a.kind === "tool-error") out = a.code ? `[${a.code}]` : "tool error";
  else if (a.kind === "jsonrpc-error") out = `JSON-RPC ${a.status ?? "error"}`;
  else if (a.kind === "http-error") out = `HTTP ${a.status ?? "error"}`;
  else out = "no answer";
  const users = [...new Set((c.audit ?? []).map((s) => `${s.user}@${s.cluster}`))];
  const expectedUser = c.tuple.identity && c.tuple.cluster ? `${c.tuple.identity}@${c.tuple.cluster}` : "";
  const foreign = users.filter((u) => u !== expectedUser);
  if (foreign.length) out += `; audit: ${foreign.join(", ")}`;
  const missing = a.kind === "result" ? ownSightingMissing(c.audit, c.tuple, audited) : undefined;
  if (missing) out += ` (${missing.cluster}'s audit log: nothing from ${missing.identity})`;
  const changes = c.tuple.changes?.length ? ` (${c.tuple.changes.join("; ").slice(0, 80)})` : "";
  return `${tupleName(c.tuple)}${changes} → ${out}`;
}

function observedOf(s: ScenarioEntry, audited: ReadonlySet<string>): string {
  const calls = (s.record?.calls ?? []).filter((c) => !c.control && c.method === "tools/call");
  const parts = [
    ...calls.map((c) => ({ index: c.index, text: callBrief(c, audited) })),
    ...(s.record?.batches ?? []).map((b) => ({ index: b.index, text: batchText(b) })),
  ].sort((x, y) => x.index - y.index);
  if (parts.length === 0) return s.verdict === "skipped" ? (s.reason ?? "skipped") : "no call recorded";
  return parts.map((p) => p.text).join(", ");
}

function whyOf(s: ScenarioEntry): string | undefined {
  const failing = s.checks.find((c) => c.status === "fail");
  if (failing) return `${failing.id}: ${(failing.message ?? failing.expectation).split("\n")[0]}`;
  const open = s.checks.find((c) => c.status === "untestable");
  if (open) return `${open.id}: ${(open.message ?? open.expectation).split("\n")[0]}`;
  if (s.verdict === "skipped") return s.reason;
  return undefined;
}

function outcomeOf(evidence: readonly SituationEvidence[]): SituationOutcome {
  const v = evidence.map((e) => e.verdict);
  if (v.some((x) => x === "fail" || x === "warning")) return "broken";
  if (v.includes("expected-failure")) return "expected-failure";
  if (v.some((x) => x === "partial" || x === "untestable")) return "not-judged";
  if (v.includes("pass")) return v.every((x) => x === "pass") ? "as-required" : "not-judged";
  return "not-run";
}

export function switchingAnswer(verdict: Pick<Verdict, "scenarios">): SwitchingAnswer {
  const byId = new Map(verdict.scenarios.map((s) => [s.id, s]));
  const audited = auditedClusters(verdict.scenarios);
  const rows: SituationRow[] = SITUATIONS.map((sit) => {
    const evidence: SituationEvidence[] = sit.scenarios.map((id) => {
      const s = byId.get(id);
      if (!s) return { scenario: id, verdict: "not-run", observed: "not selected in this run" };
      const why = whyOf(s);
      return { scenario: id, verdict: s.verdict, observed: observedOf(s, audited), ...(why ? { why } : {}) };
    });
    const requirements = [...new Set(sit.scenarios.flatMap((id) => byId.get(id)?.requirements ?? []))];
    return { ...sit, requirements, outcome: outcomeOf(evidence), evidence };
  });
  return { rows, summary: summarise(rows) };
}

function summarise(rows: readonly SituationRow[]): string {
  const n = (o: SituationOutcome) => rows.filter((r) => r.outcome === o);
  const broken = n("broken");
  const expected = n("expected-failure");
  const open = [...n("not-judged"), ...n("not-run")];
  const judged = rows.length - open.length;
  const parts: string[] = [];
  if (broken.length)
    parts.push(
      `Switching clusters is NOT safe with this provider: ${broken.length} of ${rows.length} situations break the spec (${broken.map((r) => r.situation).join("; ")}).`,
    );
  else if (expected.length)
    parts.push(
      `${expected.length} situation(s) fail as listed in the expected-failures file (${expected.map((r) => r.situation).join("; ")}): switching is not yet safe.`,
    );
  else if (judged > 0)
    parts.push(
      `Switching clusters between calls behaves as the spec requires in all ${judged} situation(s) this run judged: every call is served by the cluster and identity it carries, and nothing of an earlier call is reused.`,
    );
  if (open.length)
    parts.push(
      `${open.length} situation(s) not judged here (${open.map((r) => r.situation).join("; ")}): a claim about them needs a run that includes their scenarios.`,
    );
  return parts.join(" ") || "No switching situation was exercised by this run.";
}
