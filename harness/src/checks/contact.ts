// The judgement "the provider did not contact any cluster during a refused call", read
// from the contact witness (oracles/contact.ts), independent of credentials: a request
// that failed authentication counts as much as one that was served. The audit log only
// adds who called, for the message. See docs/design.md "Contact witness".
import type { Contact } from "../oracles/contact.js";
import type { TupleLabel } from "../report/model.js";

export interface ClusterContact {
  /** The cluster's name in the scenario (A, B, C). */
  readonly cluster: string;
  /** What the witness saw in the call's window; undefined when it could not watch. */
  readonly contact: Contact | undefined;
  /** Why the witness could not watch this cluster (required when contact is undefined). */
  readonly untestableReason?: string;
  /** Who the audit log saw in the window: a name, null for no authenticated identity, undefined if not asked. */
  readonly identity?: string | null;
  /**
   * Other calls of the scenario in flight to this cluster during the window (their
   * indexes): bytes on a TLS connection carry no caller, so this cluster's contact
   * cannot be told apart from theirs and is not judged.
   */
  readonly sharedWith?: readonly number[];
}

/** A call of the scenario as the witness needs it: its window and the clusters its tuple named. */
export interface CallReach {
  readonly index: number;
  readonly startEpochMs: number;
  readonly endEpochMs: number;
  readonly clusters: readonly string[];
}

/**
 * The cluster a tuple sent its call to: where kubernetes-server pointed when it was
 * changed ("cluster B"; a canary is no cluster), else the identity's own cluster.
 */
export function clustersReached(tuple: TupleLabel | undefined): string[] {
  if (!tuple) return [];
  if (tuple.server !== undefined) {
    const m = /^cluster ([A-Z])\b/.exec(tuple.server);
    return m?.[1] ? [m[1]] : [];
  }
  return tuple.cluster ? [tuple.cluster] : [];
}

/**
 * Marks each cluster that another call of the scenario reached while `call` was in
 * flight (an AH-NET-5 scenario keeps a second tenant calling meanwhile).
 */
export function attributeShared(
  clusters: readonly ClusterContact[],
  call: CallReach,
  others: readonly CallReach[],
): ClusterContact[] {
  return clusters.map((c) => {
    const overlapping = others
      .filter(
        (o) =>
          o.index !== call.index &&
          o.clusters.includes(c.cluster) &&
          // strictly: one call ending in the millisecond the next one starts is not in flight with it
          o.startEpochMs < call.endEpochMs &&
          o.endEpochMs > call.startEpochMs,
      )
      .map((o) => o.index);
    return overlapping.length ? { ...c, sharedWith: overlapping } : c;
  });
}

export interface ContactVerdict {
  readonly outcome: "pass" | "fail" | "untestable";
  readonly message: string;
}

export function contacted(c: Contact): boolean {
  return c.newConnections > 0 || c.bytesFromProvider > 0;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** One line per cluster, for the check's message and the report's timeline. */
export function describeContact(c: ClusterContact): string {
  if (c.sharedWith?.length)
    return `cluster ${c.cluster}: not judged (${plural(c.sharedWith.length, "other call")} to it in flight: #${c.sharedWith.join(", #")})`;
  if (!c.contact) return `cluster ${c.cluster}: not witnessed (${c.untestableReason ?? "no forwarder"})`;
  const k = c.contact;
  const who =
    c.identity === undefined ? "" : c.identity === null ? ", no identity" : `, identity ${c.identity}`;
  if (!contacted(k)) {
    const idle = k.connections.length > 0 ? ` (${plural(k.connections.length, "open connection")} idle)` : "";
    return `cluster ${c.cluster}: no contact${idle}${who}`;
  }
  const used = k.connections.filter((x) => x.opened || (x.bytesFromProvider > 0 && !x.teardownOnly)).length;
  const existing = k.bytesOnExisting > 0 ? ` (${k.bytesOnExisting} on connections already open)` : "";
  return `cluster ${c.cluster}: ${plural(used, "connection")}, ${plural(k.bytesFromProvider, "byte")}${existing}${who}`;
}

/**
 * Pass only when every cluster was witnessed and none was contacted; fail as soon as one
 * witnessed cluster was contacted (an unwatched one cannot excuse it); otherwise untestable.
 * A cluster shared with other calls in flight is left out; when it is the refused call's
 * own cluster (`own`), nothing that matters was observed, so the verdict is untestable.
 */
export function judgeNoContact(clusters: readonly ClusterContact[], own?: string): ContactVerdict {
  const judged = clusters.filter((c) => !c.sharedWith?.length);
  const lines = clusters.map(describeContact).join("; ");
  if (judged.length === 0)
    return { outcome: "untestable", message: clusters.length ? lines : "no cluster was witnessed" };
  if (judged.some((c) => c.contact && contacted(c.contact)))
    return { outcome: "fail", message: `the provider contacted a cluster during the refused call: ${lines}` };
  if (judged.some((c) => !c.contact) || (own !== undefined && !judged.some((c) => c.cluster === own)))
    return { outcome: "untestable", message: lines };
  return { outcome: "pass", message: lines };
}
