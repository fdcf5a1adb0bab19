import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { emptyRecord } from "../../src/report/model.js";
import { SecretRegistry } from "../../src/report/redact.js";
import { computeVerdict } from "../../src/report/verdict.js";
import { summaryMarkdown, type VerdictDocument, writePrivate, writeReports } from "../../src/report/write.js";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc";

function doc(message: string): VerdictDocument {
  const verdict = computeVerdict(
    [
      {
        id: "f/a",
        name: "a",
        uri: "features/f.feature",
        tags: ["@AH-HDR-1"],
        status: "failed",
        record: {
          ...emptyRecord(),
          checks: [
            { id: "refused", requirements: ["AH-HDR-1"], status: "fail", expectation: "refused", message },
          ],
        },
      },
    ],
    [{ id: "AH-HDR-1", level: "MUST", withdrawn: false, title: "t" }],
  );
  return {
    harness: { name: "h", version: "0", specVersion: "1.0.0" },
    target: { profile: "p", command: "srv --port 1", capabilities: [] },
    startedAt: "",
    finishedAt: "",
    verdict,
  };
}

describe("report writer", () => {
  it("scrubs registered secrets from verdict.json and summary.md", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const registry = new SecretRegistry();
    registry.add("opaque-secret-token-value-123");
    writeReports(dir, doc(`leaked opaque-secret-token-value-123 and ${TOKEN}`), registry);
    for (const f of ["verdict.json", "summary.md"]) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toContain("opaque-secret-token-value-123");
      expect(text).not.toContain(TOKEN);
      expect(text).toContain("[REDACTED]");
    }
    const v = JSON.parse(readFileSync(join(dir, "verdict.json"), "utf8"));
    expect(v.verdict.conformant).toBe(false);
    expect(v.verdict.requirements[0].verdict).toBe("fail");
  });

  it("summarizes verdicts for humans", () => {
    const md = summaryMarkdown(doc("boom | pipe"));
    expect(md).toContain("NOT CONFORMANT");
    expect(md).toContain("| AH-HDR-1 | MUST | ❌ fail | 0 / 1 / 0 | 1 |");
    expect(md).toContain("boom \\| pipe");
    // the causes come first
    expect(md.indexOf("## Causes")).toBeLessThan(md.indexOf("## Requirements"));
  });

  it("writes private files 0600", () => {
    const p = join(mkdtempSync(join(tmpdir(), "priv-")), "x.json");
    writePrivate(p, "{}");
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });
});

describe("cli", () => {
  it("registers one command per subcommand module", () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(["run", "list", "validate-profile"]));
    const run = buildProgram().commands.find((c) => c.name() === "run");
    const flags = run?.options.map((o) => o.long) ?? [];
    for (const f of [
      "--target",
      "--target-cmd",
      "--target-url",
      "--profile",
      "--backend",
      "--tags",
      "--expected-failures",
      "--report-dir",
      "--parallel",
    ]) {
      expect(flags).toContain(f);
    }
  });
});
