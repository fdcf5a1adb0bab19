// `run --github` as the GitHub Action runs it, with GITHUB_STEP_SUMMARY and
// GITHUB_OUTPUT pointed at files: a conformant run, a run against a provider
// with a defect (the job must fail, with an annotation naming the scenario),
// and a configuration error (the job summary says why nothing ran).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

function jobFiles() {
  const dir = mkdtempSync(join(tmpdir(), "gh-job-"));
  const summary = join(dir, "step-summary.md");
  const output = join(dir, "output");
  writeFileSync(summary, "");
  writeFileSync(output, "");
  return { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output }, summary, output };
}

const outputs = (path: string) =>
  Object.fromEntries(
    readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

describe("run --github", () => {
  it("writes the verdict to the job summary and the outcome to the outputs", {
    timeout: 180_000,
  }, async () => {
    const job = jobFiles();
    const r = await runConformance(
      ["--target", "reference", "--clusters-file", file, "--tags", "@AH-HDR-4", "--github"],
      job.env,
    );
    expect(r.exitCode, r.output.slice(-2000)).toBe(0);
    const summary = readFileSync(job.summary, "utf8");
    expect(summary).toContain(`**Verdict: ${r.outcome}**`);
    expect(summary).toContain("AH-HDR-4");
    expect(outputs(job.output)).toEqual({ "exit-code": "0", "report-dir": r.reportDir, outcome: r.outcome });
    expect(r.output).not.toContain("::error");
  });

  it("fails the job on a non-conformant provider and annotates the failed scenario", {
    timeout: 180_000,
  }, async () => {
    const job = jobFiles();
    const r = await runConformance(
      ["--target", "reference-faulty", "--clusters-file", file, "--tags", "@AH-HDR-4", "--github"],
      { ...job.env, AUTH_HEADERS_DEFECT: "accept-both-auth" },
    );
    expect(r.exitCode, r.output.slice(-2000)).toBe(1);
    expect(readFileSync(job.summary, "utf8")).toContain("**Verdict: NOT CONFORMANT**");
    expect(outputs(job.output).outcome).toBe("NOT CONFORMANT");
    expect(r.output).toMatch(/^::error title=[^\n]*AH-HDR-4[^\n]*::/m);
  });

  it("says in the job summary why nothing ran on a configuration error", { timeout: 60_000 }, async () => {
    const job = jobFiles();
    const r = await runConformance(
      ["--target", "reference", "--clusters-file", file, "--tags", "@no-such-tag", "--github"],
      job.env,
    );
    expect(r.exitCode).toBe(2);
    const summary = readFileSync(job.summary, "utf8");
    expect(summary).toContain("configuration error: the suite did not run");
    expect(summary).toContain("no scenario matches");
    expect(outputs(job.output).outcome).toBe("NOT RUN");
  });
});
