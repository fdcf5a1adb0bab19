// Puts what the API servers' audit logs recorded next to the call that caused
// it: an event belongs to the call whose time window holds its
// requestReceivedTimestamp. Only the scenario's own identities are looked at
// (other workers' scenarios use other identities), so a concurrent scenario
// never lands in this timeline.
import type { AuditEvent } from "../clusters/types.js";
import type { AuditSighting, CallRecord } from "../report/model.js";

/** Slack around a call's window: the audit timestamp is taken inside the API server. */
const SLACK_MS = 5;

export interface CallWindow {
  index: number;
  startEpochMs: number;
  endEpochMs: number;
}

export function sighting(cluster: string, e: AuditEvent, names: ReadonlyMap<string, string>): AuditSighting {
  const user = e.user.username ?? "";
  return {
    cluster,
    user: names.get(user) ?? (user || "(unauthenticated)"),
    verb: e.verb,
    resource: e.requestURI.split("?")[0] ?? e.requestURI,
    status: e.responseStatus?.code ?? 0,
  };
}

/** Attaches each event to the call whose window holds it; events outside every window are dropped. */
export function attachAudit(
  calls: CallRecord[],
  windows: readonly CallWindow[],
  events: readonly { cluster: string; event: AuditEvent }[],
  names: ReadonlyMap<string, string>,
): void {
  const byIndex = new Map(calls.map((c) => [c.index, c]));
  for (const { cluster, event } of events) {
    const at = Date.parse(event.requestReceivedTimestamp);
    if (Number.isNaN(at)) continue;
    // inside a window first; the slack only for events just outside every window
    const w =
      windows.find((x) => at >= x.startEpochMs && at <= x.endEpochMs) ??
      windows
        .filter((x) => at >= x.startEpochMs - SLACK_MS && at <= x.endEpochMs + SLACK_MS)
        .sort((x, y) => distance(at, x) - distance(at, y))[0];
    const call = w ? byIndex.get(w.index) : undefined;
    if (!call) continue;
    call.audit ??= [];
    call.audit.push(sighting(cluster, event, names));
  }
}

const distance = (at: number, w: CallWindow) =>
  at < w.startEpochMs ? w.startEpochMs - at : at > w.endEpochMs ? at - w.endEpochMs : 0;
