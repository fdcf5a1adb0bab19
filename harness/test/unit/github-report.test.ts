// What `run --github` puts on a GitHub Actions job page, from a run's reports.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { annotation, githubReport, publishToGitHub, SUMMARY_LIMIT } from "../../src/cli/github.js";

function reports(
  scenarios: unknown[],
  summary = "# Auth-headers conformance: mine\n\n**Verdict: NOT CONFORMANT**\n",
) {
  const dir = mkdtempSync(join(tmpdir(), "gh-report-"));
  writeFileSync(
    join(dir, "verdict.json"),
    JSON.stringify({ verdict: { outcome: "NOT CONFORMANT", scenarios } }),
  );
  writeFileSync(join(dir, "summary.md"), summary);
  return dir;
}

const failed = (i: number) => ({
  id: `headers/case-${i}`,
  verdict: "fail",
  requirements: ["AH-HDR-1", "AH-ERR-1"],
  checks: [
    { id: "refused", status: "pass" },
    { id: "error-code", status: "fail", message: "expected [missing_header],\ngot: 100% wrong" },
  ],
});

describe("run --github", () => {
  it("puts summary.md in the job summary, the outcome in the outputs and failed scenarios in annotations", () => {
    const dir = reports([failed(1), { id: "meta/ok", verdict: "pass" }]);
    const r = githubReport({ reportDir: dir, exitCode: 1 });
    expect(r.summary).toContain("**Verdict: NOT CONFORMANT**");
    expect(r.summary).toContain(`are in \`${dir}\``);
    expect(r.outputs).toEqual({ outcome: "NOT CONFORMANT", "exit-code": "1", "report-dir": dir });
    expect(r.annotations).toEqual([
      "::error title=headers/case-1 [AH-HDR-1%2C AH-ERR-1]::error-code: expected [missing_header],%0Agot: 100%25 wrong",
    ]);
  });

  it("shows at most 10 annotations and says how many more failed", () => {
    const r = githubReport({
      reportDir: reports(Array.from({ length: 13 }, (_, i) => failed(i))),
      exitCode: 1,
    });
    expect(r.annotations).toHaveLength(11);
    expect(r.annotations[10]).toContain("3 more failed scenario(s)");
  });

  it("annotates distinct causes, not each scenario's first failing check", () => {
    const dir = mkdtempSync(join(tmpdir(), "gh-causes-"));
    const scenarios = Array.from({ length: 9 }, (_, i) => failed(i));
    const causes = [
      {
        requirements: ["AH-LIFE-1"],
        check: "initialize",
        level: "MUST",
        message: "initialize without headers was refused",
        scenarios: scenarios.map((s) => s.id),
        variants: [{ message: "a" }, { message: "b" }],
      },
      {
        requirements: ["AH-ERR-1"],
        check: "error-code",
        level: "MUST",
        message: "no [code]",
        scenarios: ["x/y"],
      },
      {
        requirements: ["AH-ORIGIN-1"],
        check: "named",
        level: "SHOULD",
        message: "not named",
        scenarios: ["x/z"],
      },
    ];
    writeFileSync(
      join(dir, "verdict.json"),
      JSON.stringify({ verdict: { outcome: "NOT CONFORMANT", scenarios, causes } }),
    );
    const r = githubReport({ reportDir: dir, exitCode: 1 });
    expect(r.annotations).toHaveLength(2);
    expect(r.annotations[0]).toMatch(
      /^::error title=AH-LIFE-1 initialize::initialize without headers was refused \(\+1 other message variant\(s\)\)%0A9 scenario\(s\): headers\/case-0/,
    );
    expect(r.annotations[1]).toMatch(
      /^::error title=AH-ERR-1 error-code::no \[code\]%0A1 scenario\(s\): x\/y$/,
    );
  });

  it("cuts a summary over GitHub's 1 MiB limit and says so", () => {
    const big = `# big\n${"| row | x |\n".repeat(120_000)}`;
    const r = githubReport({ reportDir: reports([], big), exitCode: 0 });
    expect(Buffer.byteLength(r.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(r.summary).toContain("limited to 1 MiB");
  });

  it("reports a run that never ran (configuration error) with its message", () => {
    const dir = mkdtempSync(join(tmpdir(), "gh-empty-"));
    const r = githubReport({ reportDir: dir, exitCode: 2, error: "no scenario matches the tags" });
    expect(r.outputs.outcome).toBe("NOT RUN");
    expect(r.summary).toContain("configuration error");
    expect(r.summary).toContain("no scenario matches the tags");
    expect(r.annotations[0]).toMatch(/^::error title=auth-headers conformance%3A configuration error/);
  });

  it("appends to $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT", () => {
    const dir = reports([failed(1)]);
    const summary = join(dir, "step-summary.md");
    const output = join(dir, "output");
    writeFileSync(summary, "earlier step\n");
    const printed: string[] = [];
    publishToGitHub(
      { reportDir: dir, exitCode: 1 },
      { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output },
      (l) => printed.push(l),
    );
    expect(readFileSync(summary, "utf8")).toMatch(/^earlier step\n# Auth-headers conformance: mine/);
    expect(readFileSync(output, "utf8")).toBe(`exit-code=1\nreport-dir=${dir}\noutcome=NOT CONFORMANT\n`);
    expect(printed).toEqual([expect.stringMatching(/^::error title=headers\/case-1/)]);
  });

  it("escapes workflow-command data and properties", () => {
    expect(annotation("a:b,c", "50%\r\nnext")).toBe("::error title=a%3Ab%2Cc::50%25%0D%0Anext");
  });
});
