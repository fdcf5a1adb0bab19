// Plain-text descriptions of one recorded call (the tuple it carried, what the
// audit logs saw, what came back), shared by the report page, the switching
// answer and `compare`. Everything is by name: the record never holds a
// secret, and nothing here adds one.
import type { AuditSighting, CallBatch, CallRecord, TupleLabel } from "./model.js";

/** `B/bob`, or what stands in for it when the call carried no identity. */
export function tupleName(t: TupleLabel): string {
  if (t.source === "none") return "no cluster tuple";
  const who = t.identity ?? "?";
  return t.cluster ? `${t.cluster}/${who}` : who;
}

const SOURCE: Record<TupleLabel["source"], string> = {
  headers: "headers",
  meta: "_meta",
  both: "_meta",
  none: "none",
};

/** `B/bob (token, headers)`, `B/bob (token, _meta; headers of alice)`, plus deliberate changes. */
export function tupleText(t: TupleLabel): string {
  if (t.source === "none") return "no cluster tuple";
  const how = [t.credential, SOURCE[t.source]].filter(Boolean).join(", ");
  const headers = t.source === "both" && t.headersIdentity ? `; headers of ${t.headersIdentity}` : "";
  const server = t.server ? `; server: ${t.server}` : "";
  const changes = t.changes?.length ? `; ${t.changes.join("; ")}` : "";
  return `${tupleName(t)} (${how}${headers}${server}${changes})`;
}

/** `configmaps/cluster-identity in conformance`, `namespaces`, `discovery /api/v1`. */
export function shortResource(path: string): string {
  const parts = path.split("/").filter(Boolean);
  let rest: string[];
  if (parts[0] === "api") rest = parts.slice(2);
  else if (parts[0] === "apis") rest = parts.slice(3);
  else return path || "/";
  if (rest.length === 0) return `discovery ${path}`;
  if (rest[0] === "namespaces" && rest.length >= 3) return `${rest.slice(2).join("/")} in ${rest[1]}`;
  return rest.join("/");
}

/** `bob get configmaps/cluster-identity in conformance → 200` */
export function sightingText(s: AuditSighting): string {
  return `${s.user} ${s.verb} ${shortResource(s.resource)} → ${s.status || "?"}`;
}

/**
 * The sightings of one call grouped by cluster: `B's audit log: bob get … → 200`.
 * With the call's tuple, a call whose identity its own cluster never saw says
 * so (`A's audit log: nothing from alice`): a result served without it is the
 * mark of a reused connection or credential.
 */
export function auditText(
  audit: readonly AuditSighting[] | undefined,
  tuple?: TupleLabel,
  audited?: ReadonlySet<string>,
): string {
  const byCluster = new Map<string, string[]>();
  const own = ownSightingMissing(audit, tuple, audited);
  if (own) byCluster.set(own.cluster, [`nothing from ${own.identity}`]);
  for (const s of audit ?? [])
    byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), sightingText(s)]);
  const parts = [...byCluster].map(
    ([cluster, lines]) => `${cluster}'s audit log: ${dedupe(lines).join("; ")}`,
  );
  if (parts.length) return parts.join(" · ");
  return audited && audited.size === 0
    ? "no audit log in this run"
    : "no audit log saw the scenario's identities";
}

/**
 * Clusters whose audit log was read in this run, as the scenarios recorded
 * them. A cluster without one (an existing cluster whose log the harness
 * cannot read, a control plane started without it) says nothing about who
 * called it. Records from before the field existed: the clusters whose log
 * recorded anything.
 */
export function auditedClusters(
  scenarios: readonly { record?: { calls: readonly CallRecord[]; auditedClusters?: readonly string[] } }[],
): Set<string> {
  const out = new Set<string>();
  let declared = false;
  for (const s of scenarios) {
    if (!s.record?.auditedClusters) continue;
    declared = true;
    for (const c of s.record.auditedClusters) out.add(c);
  }
  if (declared) return out;
  for (const s of scenarios)
    for (const c of s.record?.calls ?? []) for (const a of c.audit ?? []) out.add(a.cluster);
  return out;
}

/** The tuple's identity and cluster when that cluster's audit log shows nothing from it during the call. */
export function ownSightingMissing(
  audit: readonly AuditSighting[] | undefined,
  tuple: TupleLabel | undefined,
  audited?: ReadonlySet<string>,
): { cluster: string; identity: string } | undefined {
  if (!tuple?.identity || !tuple.cluster || tuple.source === "none" || tuple.server) return undefined;
  if (audited && !audited.has(tuple.cluster)) return undefined;
  const { identity, cluster } = tuple;
  return (audit ?? []).some((s) => s.cluster === cluster && s.user === identity)
    ? undefined
    : { cluster, identity };
}

/** Repeated identical lines once, with a count. */
function dedupe(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${l} (×${n})` : l));
}

/** `result names B`, `[unauthorized] …`, `JSON-RPC error -32602: …`, `HTTP 400: …`. */
export function answerText(a: CallRecord["answer"], withText = true): string {
  const text = withText && a.text ? a.text : "";
  switch (a.kind) {
    case "result": {
      const named = a.namedCluster ? `result names ${a.namedCluster}` : "result names no cluster";
      const data = a.dataFrom && a.dataFrom !== a.namedCluster ? `, carries ${a.dataFrom}'s data` : "";
      return `${named}${data}`;
    }
    case "tool-error": {
      const code = a.code ? `[${a.code}]` : "tool error";
      const rest = text.startsWith(code) ? text.slice(code.length).trim() : text;
      return rest ? `${code} ${rest}` : code;
    }
    case "jsonrpc-error":
      return `JSON-RPC error ${a.status ?? "?"}${text ? `: ${text}` : ""}`;
    case "http-error":
      return `HTTP ${a.status ?? "?"}${text ? `: ${text}` : ""}`;
    default:
      return `no answer${text ? `: ${text}` : ""}`;
  }
}

/** `tools/call resources_get` */
export function methodText(c: CallRecord): string {
  return c.tool ? `${c.method} ${c.tool}` : c.method;
}

/** The reviewer's sentence: `call 3 carried B/bob → B's audit log: bob get … → 200 → result names B`. */
export function callStory(c: CallRecord, audited?: ReadonlySet<string>): string {
  return `call ${c.index} carried ${tupleName(c.tuple)} → ${auditText(c.audit, c.tuple, audited)} → ${answerText(c.answer, false)}`;
}

/** `50 calls: 50 own cluster` */
export function batchText(b: CallBatch): string {
  const outcomes = Object.entries(b.outcomes)
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return `${b.calls} calls: ${outcomes || "no outcome recorded"}`;
}
