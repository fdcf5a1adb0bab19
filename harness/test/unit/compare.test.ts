// compare: verdict changes classified (regression, improvement, coverage),
// calls paired by scenario and index, Markdown safe for a PR comment, exit
// codes, and the CLI as a user runs it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { changeKind, compareExitCode, compareReports } from "../../src/report/compare/diff.js";
import { comparisonHtml } from "../../src/report/compare/html.js";
import { loadReport } from "../../src/report/compare/load.js";
import { comparisonMarkdown } from "../../src/report/compare/markdown.js";
import type { CheckRecord } from "../../src/report/model.js";
import { emptyRecord } from "../../src/report/model.js";
import { computeVerdict } from "../../src/report/verdict.js";
import type { VerdictDocument } from "../../src/report/write.js";
import { call, HOSTILE } from "./helpers/report-sample.js";

const REQS = [
  { id: "AH-CONN-1", level: "MUST" as const, withdrawn: false, title: "Pool by the whole tuple." },
  { id: "AH-SRC-3", level: "MUST" as const, withdrawn: false, title: "Nothing is reused." },
  { id: "AH-ORIGIN-1", level: "SHOULD" as const, withdrawn: false, title: "Results name their cluster." },
];

/** Two scenarios; `broken` makes the second one's call 2 reach A as mallory and fail. */
function doc(broken: boolean, profile = "p"): VerdictDocument {
  const failing: CheckRecord = {
    id: "audit-alice2",
    requirements: ["AH-CONN-1"],
    status: broken ? "fail" : "pass",
    expectation: "A's audit log shows alice2",
    ...(broken ? { message: `no request by alice2 | ${HOSTILE}` } : {}),
    call: 2,
  };
  const verdict = computeVerdict(
    [
      {
        id: "switching/same",
        name: "Stays the same",
        uri: "f",
        tags: ["@AH-SRC-3"],
        status: "passed",
        record: {
          ...emptyRecord(),
          calls: [call(1)],
          checks: [{ id: "ok", requirements: ["AH-SRC-3"], status: "pass", expectation: "x", call: 1 }],
        },
      },
      {
        id: "switching/two-identities",
        name: "Two identities",
        uri: "f",
        tags: ["@AH-CONN-1"],
        status: broken ? "failed" : "passed",
        record: {
          ...emptyRecord(),
          calls: [
            call(1, { tuple: { source: "headers", identity: "alice", cluster: "A", credential: "token" } }),
            call(2, {
              tuple: { source: "headers", identity: "alice2", cluster: "A", credential: "token" },
              answer: { kind: "result", namedCluster: "A", dataFrom: "A", text: "port differs 1234" },
              audit: [
                {
                  cluster: "A",
                  user: broken ? "mallory" : "alice2",
                  verb: "get",
                  resource: "/api/v1",
                  status: 200,
                },
              ],
            }),
          ],
          checks: [failing],
        },
      },
    ],
    REQS,
  );
  return {
    harness: { name: "auth-headers-conformance", version: "0.1.0", specVersion: "1.1.0" },
    target: { profile, capabilities: [] },
    startedAt: "",
    finishedAt: "",
    verdict,
  };
}

function reportDir(d: VerdictDocument, name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "compare-")), name);
  mkdirSync(dir);
  writeFileSync(join(dir, "verdict.json"), JSON.stringify(d));
  return dir;
}

describe("compare", () => {
  it("orders verdicts: worse is a regression, judged ↔ not judged is coverage", () => {
    expect(changeKind("pass", "fail")).toBe("regression");
    expect(changeKind("pass", "expected-failure")).toBe("regression");
    expect(changeKind("partial", "pass")).toBe("improvement");
    expect(changeKind("pass", "not-run")).toBe("coverage");
    expect(changeKind("skipped", "fail")).toBe("coverage");
  });

  it("lists the requirements and scenarios that changed and the calls that behaved differently", () => {
    const c = compareReports(
      loadReport(reportDir(doc(false), "main")),
      loadReport(reportDir(doc(true), "pr")),
    );
    expect(c.requirements.map((r) => [r.id, r.before, r.after, r.kind])).toEqual([
      ["AH-CONN-1", "pass", "fail", "regression"],
    ]);
    expect(c.requirements[0]?.scenarios).toEqual(["switching/two-identities"]);
    expect(c.scenarios.map((s) => [s.id, s.kind])).toEqual([["switching/two-identities", "regression"]]);
    expect(c.scenarios[0]?.why).toMatch(/^audit-alice2 \[AH-CONN-1\]: no request by alice2/);
    // only call 2 differs, and only by its audit users (answer text with ports is not compared)
    expect(c.calls.map((x) => [x.scenario, x.index, x.differs])).toEqual([
      ["switching/two-identities", 2, ["audit"]],
    ]);
    expect(c.calls[0]?.before?.audit).toEqual(["alice2@A 200"]);
    expect(c.calls[0]?.after?.audit).toEqual(["mallory@A 200"]);
    expect(compareExitCode(c)).toBe(1);
    const back = compareReports(
      loadReport(reportDir(doc(true), "pr")),
      loadReport(reportDir(doc(false), "main")),
    );
    expect(back.requirements[0]?.kind).toBe("improvement");
    expect(compareExitCode(back)).toBe(0);
  });

  it("writes Markdown a PR comment cannot be broken by, and a self-contained HTML page", () => {
    const c = compareReports(
      loadReport(reportDir(doc(false), "main")),
      loadReport(reportDir(doc(true), "pr")),
    );
    const md = comparisonMarkdown(c);
    expect(md).toContain("## Auth-headers conformance: main → pr");
    expect(md).toContain("**1 requirement(s) and 1 scenario(s) regressed; 1 call(s) behaved differently.**");
    expect(md).toContain(
      "| **AH-CONN-1** | MUST | ✅ pass | ❌ fail | 🔻 regression | switching/two-identities |",
    );
    expect(md).toContain("alice2@A 200");
    expect(md).not.toContain("<script>");
    expect(md).toContain("no request by alice2 \\| &lt;/script&gt;");
    const page = comparisonHtml(c, "/tmp/x/compare.html");
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain(`href="../`);
    expect(page).toContain("report.html#s-switching_two-identities");
  });

  it("runs as `compare A B` with exit 0 (no regression), 1 (regression), 2 (unreadable)", async () => {
    const a = reportDir(doc(false), "main");
    const b = reportDir(doc(true), "pr");
    const out = join(mkdtempSync(join(tmpdir(), "compare-out-")), "c.md");
    const html = out.replace(/md$/, "html");
    const run = async (...args: string[]) => {
      process.exitCode = undefined;
      await buildProgram().parseAsync(["node", "x", "compare", ...args]);
      const code = process.exitCode;
      process.exitCode = undefined;
      return code;
    };
    expect(await run(a, b, "--out", out, "--html", html)).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("AH-CONN-1");
    expect(readFileSync(html, "utf8")).toContain("<!DOCTYPE html>");
    expect(await run(a, a, "--out", out)).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("No requirement, scenario or call changed.");
    expect(await run(b, a, "--out", out)).toBe(0);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => stderr.push(s) > 0) as typeof process.stderr.write;
    try {
      expect(await run(a, join(a, "nope"), "--out", out)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join("")).toMatch(/no such report directory/);
  });
});

/** A run of the given scenarios, each with one check of AH-CONN-1 (pass or fail). */
function runOf(
  checks: Record<string, "pass" | "fail">,
  expected: string[] = [],
  scenarioGlob?: string,
): VerdictDocument {
  const verdict = computeVerdict(
    Object.entries(checks).map(([id, status]) => ({
      id,
      name: id,
      uri: "f",
      tags: ["@AH-CONN-1"],
      status: status === "fail" ? ("failed" as const) : ("passed" as const),
      record: {
        ...emptyRecord(),
        checks: [
          {
            id: "pooled",
            requirements: ["AH-CONN-1"],
            status,
            expectation: "pooled by tuple",
            ...(status === "fail" ? { message: "reused" } : {}),
          },
        ],
      },
    })),
    REQS,
    expected.map((id) => ({ id })),
  );
  return {
    harness: { name: "auth-headers-conformance", version: "0.1.0", specVersion: "1.1.0" },
    target: { profile: "p", capabilities: [] },
    startedAt: "",
    finishedAt: "",
    ...(scenarioGlob ? { scenarioGlob } : {}),
    verdict,
  };
}

describe("compare: coverage and expectations are not behaviour", () => {
  it("reports a narrowed run as a coverage change, not an improvement", () => {
    const full = runOf({ "pool/a": "fail", "pool/b": "pass" });
    const narrowed = runOf({ "pool/b": "pass" }, [], "pool/b");
    const c = compareReports(loadReport(reportDir(full, "full")), loadReport(reportDir(narrowed, "narrow")));
    expect(c.requirements.map((r) => [r.id, r.before, r.after, r.kind])).toEqual([
      ["AH-CONN-1", "fail", "pass", "coverage"],
    ]);
    expect(c.improvements).toBe(0);
    expect(c.regressions).toBe(0);
    expect(comparisonMarkdown(c)).toContain("↔ coverage");
    expect(comparisonMarkdown(c)).not.toContain("improvement |");
  });

  it("still calls the same checks getting better an improvement, and worse a regression", () => {
    const before = runOf({ "pool/a": "fail", "pool/b": "pass" });
    const after = runOf({ "pool/a": "pass", "pool/b": "pass" });
    const up = compareReports(loadReport(reportDir(before, "a")), loadReport(reportDir(after, "b")));
    expect(up.requirements.map((r) => r.kind)).toEqual(["improvement"]);
    const down = compareReports(loadReport(reportDir(after, "b")), loadReport(reportDir(before, "a")));
    expect(down.requirements.map((r) => r.kind)).toEqual(["regression"]);
    expect(compareExitCode(down)).toBe(1);
  });

  it("does not call a changed expected-failures file a regression", () => {
    const listed = runOf({ "pool/a": "fail", "pool/b": "pass" }, ["pool/a#pooled"]);
    const unlisted = runOf({ "pool/a": "fail", "pool/b": "pass" });
    const c = compareReports(loadReport(reportDir(listed, "a")), loadReport(reportDir(unlisted, "b")));
    expect(c.requirements.map((r) => [r.before, r.after, r.kind])).toEqual([
      ["expected-failure", "fail", "change"],
    ]);
    expect(c.scenarios.map((s) => s.kind)).toEqual(["change"]);
    expect(compareExitCode(c)).toBe(0);
  });
});
