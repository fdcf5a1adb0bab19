// Judgements over audit events, shared by vitest suites and Cucumber steps.
// Each throws an Error that says what the log shows, so a failing scenario
// explains itself.
import type { AuditEvent } from "../clusters/types.js";

const describe = (events: AuditEvent[]) =>
  events.length === 0
    ? "no requests"
    : events
        .map(
          (e) =>
            `${e.user.username ?? "<unauthenticated>"} ${e.verb} ${e.requestURI} → ${e.responseStatus?.code}`,
        )
        .join("; ");

/** At least one request, and every request, made by `user`. */
export function assertAllBy(events: AuditEvent[], user: string, where: string) {
  if (events.length === 0)
    throw new Error(`${where}: expected requests by ${user}, the audit log shows none`);
  const others = events.filter((e) => e.user.username !== user);
  if (others.length)
    throw new Error(`${where}: expected only ${user}, the audit log shows ${describe(others)}`);
}

export function assertNone(events: AuditEvent[], where: string) {
  if (events.length)
    throw new Error(`${where}: expected no requests, the audit log shows ${describe(events)}`);
}

/** Requests that failed authentication (the API server logs them with no user). */
export const unauthenticated = (events: AuditEvent[]) => events.filter((e) => !e.user.username);
