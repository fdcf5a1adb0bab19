import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/clusters/types.js";
import type { CallRecord } from "../../src/report/model.js";
import { attachAudit } from "../../src/timeline/audit.js";

const call = (index: number): CallRecord => ({
  index,
  at: 0,
  durationMs: 0,
  method: "tools/call",
  transport: "http",
  session: "s1",
  target: "shared",
  tuple: { source: "headers" },
  answer: { kind: "result" },
});
const ev = (ms: number, user: string): AuditEvent => ({
  auditID: `${ms}`,
  stage: "ResponseComplete",
  verb: "get",
  requestURI: "/api/v1/namespaces?limit=1",
  user: { username: user },
  responseStatus: { code: 200 },
  stageTimestamp: "",
  requestReceivedTimestamp: new Date(ms).toISOString(),
});

describe("audit events on the timeline", () => {
  it("puts an event in the call whose window holds it, even when calls follow each other closely", () => {
    const calls = [call(1), call(2), call(3)];
    const windows = [
      { index: 1, startEpochMs: 1000, endEpochMs: 1010 },
      { index: 2, startEpochMs: 1011, endEpochMs: 1020 },
      { index: 3, startEpochMs: 1021, endEpochMs: 1030 },
    ];
    const names = new Map([
      ["u-alice", "alice"],
      ["u-bob", "bob"],
    ]);
    attachAudit(
      calls,
      windows,
      [
        { cluster: "A", event: ev(1005, "u-alice") },
        { cluster: "B", event: ev(1012, "u-bob") },
        { cluster: "A", event: ev(1022, "u-alice") },
        { cluster: "A", event: ev(1033, "u-alice") }, // just after the last call: within the slack
        { cluster: "A", event: ev(5000, "u-alice") }, // outside every window: dropped
      ],
      names,
    );
    expect(calls.map((c) => (c.audit ?? []).map((a) => `${a.cluster}:${a.user}`))).toEqual([
      ["A:alice"],
      ["B:bob"],
      ["A:alice", "A:alice"],
    ]);
    expect(calls[0]?.audit?.[0]).toMatchObject({ verb: "get", resource: "/api/v1/namespaces", status: 200 });
  });
});
