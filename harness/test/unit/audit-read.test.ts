import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditOracle, parseAuditLine } from "../../src/audit/oracle.js";
import { Untestable } from "../../src/checks/recorder.js";
import { abilitiesFromInfo } from "../../src/clusters/abilities.js";
import type { ClusterInfo } from "../../src/clusters/types.js";

const line = (id: string, user: string) =>
  `${JSON.stringify({ auditID: id, stage: "ResponseComplete", verb: "get", requestURI: "/api/v1/namespaces", user: { username: user }, responseStatus: { code: 200 }, stageTimestamp: "", requestReceivedTimestamp: "" })}\n`;

describe("audit oracle reading", () => {
  it("reads from a mark taken while a line was being written without choking on the line's tail", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-"));
    const path = join(dir, "audit.log");
    const first = line("1", "alice");
    // the API server has written half of a line when the scenario takes its mark
    writeFileSync(path, first.slice(0, 40));
    const base = {
      name: "a",
      backend: "local",
      server: "https://127.0.0.1:1",
      caPem: "",
      admin: { user: "admin" },
      clientCa: {},
      serviceAccount: {},
      auditLogPath: path,
      namespaces: { fixture: "conformance", forbidden: "conformance-forbidden", identities: "conformance" },
    } as unknown as ClusterInfo;
    const info = { ...base, abilities: abilitiesFromInfo(base) } as ClusterInfo;
    const oracle = new AuditOracle(info);
    const mark = await oracle.mark();
    appendFileSync(path, first.slice(40));
    appendFileSync(path, line("2", "bob"));
    const events = await oracle.since(mark);
    expect(events.map((e) => e.auditID)).toEqual(["2"]);
    // a mark on a line boundary keeps the next line
    const mark2 = await oracle.mark();
    appendFileSync(path, line("3", "carol"));
    expect((await oracle.since(mark2)).map((e) => e.auditID)).toEqual(["3"]);
  });

  it("refuses a line the API server did not write: its evidence is untestable, never a SyntaxError blamed on a requirement", () => {
    expect(parseAuditLine(line("7", "alice").trim(), "cluster-a").auditID).toBe("7");
    for (const forged of ["not json at all", '{"user":{"username":"alice"}}', "null"]) {
      expect(() => parseAuditLine(forged, "cluster-a")).toThrow(Untestable);
      expect(() => parseAuditLine(forged, "cluster-a")).toThrow(
        /audit log of cluster-a holds a line the API server did not write/,
      );
    }
  });
});
