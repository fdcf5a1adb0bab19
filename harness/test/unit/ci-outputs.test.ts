// CI-facing outputs written from the verdict: JUnit (scenario ids as names,
// requirement ids as properties, reasons for skips and expected failures),
// the --write-baseline file, and --scenario globs.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineEntries, writeBaseline } from "../../src/report/baseline.js";
import { parseExpectedFailures } from "../../src/report/expected-failures.js";
import { junitXml } from "../../src/report/junit.js";
import type { ScenarioResult } from "../../src/report/messages.js";
import { type CheckRecord, emptyRecord } from "../../src/report/model.js";
import { SecretRegistry } from "../../src/report/redact.js";
import { computeVerdict } from "../../src/report/verdict.js";
import type { VerdictDocument } from "../../src/report/write.js";
import { loadScenarios, selectByScenarioGlob } from "../../src/spec/features.js";
import type { Requirement } from "../../src/spec/requirements.js";

const reqs: Requirement[] = ["AH-A-1", "AH-A-2", "AH-A-3"].map((id) => ({
  id,
  level: "MUST",
  withdrawn: false,
  title: id,
}));
const check = (
  id: string,
  status: CheckRecord["status"],
  requirements: string[],
  message?: string,
): CheckRecord => ({
  id,
  status,
  requirements,
  expectation: id,
  ...(message ? { message } : {}),
});
const result = (
  id: string,
  tags: string[],
  checks: CheckRecord[],
  status: ScenarioResult["status"] = "passed",
): ScenarioResult => ({
  id,
  name: id,
  uri: "features/area/thing.feature",
  tags,
  status,
  record: { ...emptyRecord(), checks },
});

function doc(expected: { id: string; reason?: string }[] = []): VerdictDocument {
  const results = [
    result("thing/passes", ["@AH-A-1"], [check("refused", "pass", ["AH-A-1"])]),
    result(
      "thing/fails",
      ["@AH-A-2"],
      [check("error-code", "fail", ["AH-A-2"], "a JSON-RPC error <&>")],
      "failed",
    ),
    result("thing/known", ["@AH-A-3"], [check("refused", "fail", ["AH-A-3"], "served")], "failed"),
    {
      ...result("thing/skipped", ["@AH-A-1", "@stdio"], []),
      status: "skipped" as const,
      message: "capability not claimed: stdio",
    },
  ];
  return {
    harness: { name: "h", version: "0", specVersion: "1.2.0" },
    target: { profile: "p", capabilities: [] },
    startedAt: "",
    finishedAt: "",
    verdict: computeVerdict(
      results,
      reqs,
      expected,
      results.map((r, i) => ({ id: r.id, tags: r.tags, line: 10 + i })),
    ),
  };
}

describe("junit.xml from the verdict", () => {
  const xml = junitXml(doc([{ id: "thing/known", reason: "fixed in 2.0" }]));

  it("names test cases by scenario id, with file, line and requirement ids", () => {
    expect(xml).toContain(
      '<testcase name="thing/passes" classname="area.thing" file="features/area/thing.feature" line="10"',
    );
    expect(xml).toContain('<property name="requirements" value="AH-A-2"/>');
  });

  it("tells a failure, an expected failure with its reason, and a skip with its reason", () => {
    expect(xml).toMatch(
      /<failure message="error-code \[AH-A-2\] error-code: a JSON-RPC error &lt;&amp;&gt;"/,
    );
    expect(xml).toContain('<skipped message="expected failure: fixed in 2.0"/>');
    expect(xml).toContain('<skipped message="skipped: capability not claimed: stdio"/>');
    expect(xml).toMatch(
      /<testsuites name="auth-headers-conformance p: NOT CONFORMANT" tests="4" failures="1"/,
    );
  });
});

describe("--write-baseline", () => {
  it("writes one entry per failing check that the next run accepts", () => {
    const v = doc().verdict;
    expect(baselineEntries(v).map((e) => e.id)).toEqual(["thing/fails#error-code", "thing/known#refused"]);
    const file = join(mkdtempSync(join(tmpdir(), "baseline-")), "known.yaml");
    const registry = new SecretRegistry();
    expect(writeBaseline(file, v, registry)).toBe(2);
    const entries = parseExpectedFailures(readFileSync(file, "utf8"));
    expect(entries.map((e) => e.id)).toEqual(["thing/fails#error-code", "thing/known#refused"]);
    expect(entries[0]?.reason).toMatch(/^AH-A-2: a JSON-RPC error/);
    // with the baseline, the same failures no longer fail the run
    expect(doc(entries).verdict.outcome).toBe("EXPECTED FAILURES ONLY");
  });

  it("does not hide a new failing check of a baselined scenario, and says it is not listed", () => {
    const entries = baselineEntries(doc().verdict);
    const results = [
      result(
        "thing/fails",
        ["@AH-A-2"],
        [
          check("error-code", "fail", ["AH-A-2"], "a JSON-RPC error"),
          check("target-healthy", "fail", ["AH-A-2"], "panic: interface conversion"),
        ],
        "failed",
      ),
      result("thing/known", ["@AH-A-3"], [check("refused", "fail", ["AH-A-3"], "served")], "failed"),
    ];
    const v = computeVerdict(results, reqs, entries);
    expect(v.outcome).toBe("NOT CONFORMANT");
    expect(v.problems).toContainEqual(
      "expected failures: 1 failing check(s) not in the expected-failures file: thing/fails#target-healthy (AH-A-2)",
    );
    // a scenario-level entry (the old baseline) would have covered it
    expect(computeVerdict(results, reqs, [{ id: "thing/fails" }, { id: "thing/known" }]).outcome).toBe(
      "EXPECTED FAILURES ONLY",
    );
  });

  it("writes requirement entries on request, every failing check in the reason", () => {
    const v = computeVerdict(
      [
        result(
          "thing/fails",
          ["@AH-A-2"],
          [
            check("error-code", "fail", ["AH-A-2"], "no code"),
            check("names-x", "fail", ["AH-A-2"], "not named"),
          ],
          "failed",
        ),
      ],
      reqs,
    );
    expect(baselineEntries(v, "requirement")).toEqual([
      { id: "AH-A-2", reason: "thing/fails#error-code: no code\nthing/fails#names-x: not named" },
    ]);
  });
});

describe("--scenario", () => {
  const all = loadScenarios();

  it("selects scenarios by id glob, several separated by commas", () => {
    const meta = selectByScenarioGlob(all, "meta/*");
    expect(meta.length).toBeGreaterThan(5);
    expect(meta.every((s) => s.id.startsWith("meta/"))).toBe(true);
    const two = selectByScenarioGlob(
      all,
      "lifecycle/an-unknown-tool-is-a-json-rpc-error, identity/a-revoked-*",
    );
    expect(two.map((s) => s.id).sort()).toEqual([
      "identity/a-revoked-token-is-unauthorized",
      "lifecycle/an-unknown-tool-is-a-json-rpc-error",
    ]);
    expect(selectByScenarioGlob(all, "nothing/*")).toEqual([]);
  });

  it("knows the line of every scenario and example row, so uri:line runs exactly it", () => {
    for (const s of all) expect(s.line, s.id).toBeGreaterThan(0);
    const rows = all.filter((s) => s.id.startsWith("meta/a-non-string-meta-value"));
    expect(new Set(rows.map((s) => s.line)).size).toBe(rows.length);
  });
});
