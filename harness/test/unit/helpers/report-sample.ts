// A small verdict document for the report-page, switching and compare tests:
// one failing switching scenario (alice's call served without alice in A's
// audit log), one skipped stdio scenario, hostile text in a message.
import type { CallRecord } from "../../../src/report/model.js";
import { emptyRecord } from "../../../src/report/model.js";
import { computeVerdict } from "../../../src/report/verdict.js";
import type { VerdictDocument } from "../../../src/report/write.js";

export const HOSTILE = `</script><script>alert(1)</script><img src=x onerror="alert(2)">`;

export function call(index: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    index,
    at: index * 10,
    durationMs: 5,
    method: "tools/call",
    tool: "resources_get",
    transport: "http",
    session: "s1",
    target: "shared",
    tuple: { source: "headers", identity: "bob", credential: "token", cluster: "B" },
    answer: { kind: "result", text: "cluster: 127.0.0.1:1 ca:sha256:00", namedCluster: "B", dataFrom: "B" },
    audit: [
      {
        cluster: "B",
        user: "bob",
        verb: "get",
        resource: "/api/v1/namespaces/conformance/configmaps/cluster-identity",
        status: 200,
      },
    ],
    ...over,
  };
}

export function sampleDoc(
  message = "no successful request by alice in cluster A's audit log",
): VerdictDocument {
  const verdict = computeVerdict(
    [
      {
        id: "switching/a-stateful-session-switches-from-a-to-b-and-back-to-a",
        name: "A stateful session switches from A to B and back to A",
        uri: "features/switching/switching.feature",
        tags: ["@switching", "@AH-LIFE-4", "@AH-SRC-3"],
        status: "failed",
        record: {
          ...emptyRecord(),
          calls: [
            call(1, {
              tuple: { source: "headers", identity: "alice", credential: "token", cluster: "A" },
              answer: { kind: "result", namedCluster: "A", dataFrom: "A", text: HOSTILE },
              // served with another identity's credentials: A logged mallory, not alice
              audit: [
                { cluster: "A", user: "mallory", verb: "get", resource: "/api/v1/namespaces", status: 200 },
              ],
            }),
            call(2),
          ],
          checks: [
            {
              id: "audit-alice-on-A",
              requirements: ["AH-LIFE-4"],
              status: "fail",
              expectation: "cluster A's audit log shows alice",
              message,
              call: 1,
            },
            {
              id: "data-from-B",
              requirements: ["AH-SRC-3"],
              status: "pass",
              expectation: "B's data",
              call: 2,
            },
          ],
        },
      },
      {
        id: "meta/over-stdio-meta-carries-the-credentials",
        name: "Over stdio, _meta carries the credentials",
        uri: "features/meta/meta.feature",
        tags: ["@meta", "@stdio", "@AH-SRC-5"],
        status: "skipped",
        message: "capability not claimed: stdio",
      },
    ],
    [
      { id: "AH-LIFE-4", level: "MUST", withdrawn: false, title: "Switching works." },
      { id: "AH-SRC-3", level: "MUST", withdrawn: false, title: "Nothing is reused." },
      { id: "AH-SRC-5", level: "MUST", withdrawn: false, title: "stdio uses _meta." },
      { id: "AH-ORIGIN-1", level: "SHOULD", withdrawn: false, title: "Results name their cluster." },
    ],
  );
  return {
    harness: { name: "auth-headers-conformance", version: "0.1.0", specVersion: "1.1.0" },
    target: { profile: `p${HOSTILE}`, command: "srv --port 1", capabilities: ["meta"] },
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    verdict,
  };
}
