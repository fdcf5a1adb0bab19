// A baseline written from a failing run (the faulty reference server with one
// defect) accepts that run's failures, and does not hide a new one: with a
// second defect added, the run fails naming the new check as "not in the
// expected-failures file".
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parseExpectedFailures } from "../../src/report/expected-failures.js";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

const select = ["--target", "reference-faulty", "--parallel", "2", "--tags", "@AH-AUTH-1 or @AH-HDR-2"];

describe("--write-baseline, then a new defect", () => {
  it("accepts the baselined failures and fails on the new check, naming it", {
    timeout: 600_000,
  }, async () => {
    const baseline = join(mkdtempSync(join(tmpdir(), "baseline-e2e-")), "known.yaml");
    const first = await runConformance([...select, "--clusters-file", file, "--write-baseline", baseline], {
      AUTH_HEADERS_DEFECT: "bearer-bearer",
    });
    expect(first.exitCode, first.output.slice(-2000)).toBe(1);
    const entries = parseExpectedFailures(readFileSync(baseline, "utf8"));
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.id).toMatch(/^[\w-]+\/[\w-]+#[\w-]+$/); // check-level entries

    const same = await runConformance([...select, "--clusters-file", file, "--expected-failures", baseline], {
      AUTH_HEADERS_DEFECT: "bearer-bearer",
    });
    expect(same.exitCode, same.output.slice(-2000)).toBe(0);
    expect(same.outcome).toBe("EXPECTED FAILURES ONLY");

    const more = await runConformance([...select, "--clusters-file", file, "--expected-failures", baseline], {
      AUTH_HEADERS_DEFECT: "bearer-bearer,accept-plain-http",
    });
    expect(more.exitCode, more.output.slice(-2000)).toBe(1);
    const newChecks = more.scenarios.flatMap((s) =>
      s.checks
        .filter((c) => c.status === "fail" && !entries.some((e) => e.id === `${s.id}#${c.id}`))
        .map((c) => `${s.id}#${c.id}`),
    );
    expect(newChecks.length).toBeGreaterThan(0);
    expect(more.output).toContain("not in the expected-failures file");
    expect(more.output).toContain(newChecks[0]);
  });
});
