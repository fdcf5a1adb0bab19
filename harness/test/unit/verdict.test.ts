import { describe, expect, it } from "vitest";
import {
  parseNdjson,
  type ScenarioResult,
  scenarioId,
  scenarioResults,
  slug,
} from "../../src/report/messages.js";
import { computeVerdict } from "../../src/report/verdict.js";
import { parseRequirements, type Requirement } from "../../src/spec/requirements.js";

const reqs: Requirement[] = [
  { id: "AH-HDR-1", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-HDR-2", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-ORIGIN-1", level: "SHOULD", withdrawn: false, title: "" },
  { id: "AH-OLD-1", level: "MUST", withdrawn: true, title: "" },
  { id: "AH-NET-9", level: "MUST", withdrawn: false, title: "" },
];

const r = (id: string, status: ScenarioResult["status"], tags: string[]): ScenarioResult => ({
  id,
  name: id,
  uri: "features/x.feature",
  tags,
  status,
});

describe("verdict", () => {
  it("passes when every executed scenario passes", () => {
    const v = computeVerdict(
      [r("x/a", "passed", ["@AH-HDR-1"]), r("x/b", "skipped", ["@AH-HDR-2", "@stdio"])],
      reqs,
    );
    expect(v.conformant).toBe(true);
    expect(v.requirements.find((q) => q.id === "AH-HDR-1")?.verdict).toBe("pass");
    expect(v.requirements.find((q) => q.id === "AH-HDR-2")?.verdict).toBe("skipped");
    expect(v.requirements.find((q) => q.id === "AH-NET-9")?.verdict).toBe("uncovered");
    expect(v.requirements.some((q) => q.id === "AH-OLD-1")).toBe(false);
  });

  it("fails on a MUST failure and only warns on a SHOULD failure", () => {
    const should = computeVerdict(
      [r("x/a", "passed", ["@AH-HDR-1"]), r("o/n", "failed", ["@AH-ORIGIN-1"])],
      reqs,
    );
    expect(should.conformant).toBe(true);
    expect(should.counts.warning).toBe(1);
    expect(should.requirements.find((q) => q.id === "AH-ORIGIN-1")?.verdict).toBe("warning");

    const must = computeVerdict([r("x/a", "failed", ["@AH-HDR-1", "@AH-ORIGIN-1"])], reqs);
    expect(must.conformant).toBe(false);
    expect(must.scenarios[0]?.verdict).toBe("fail");
    expect(must.requirements.find((q) => q.id === "AH-HDR-1")?.verdict).toBe("fail");
    expect(must.problems).toContain("scenario failed: x/a");
  });

  it("accepts expected failures and fails on stale or unknown ones", () => {
    const results = [r("x/a", "failed", ["@AH-HDR-1"]), r("x/b", "passed", ["@AH-HDR-2"])];
    const ok = computeVerdict(results, reqs, [{ id: "x/a" }]);
    expect(ok.conformant).toBe(true);
    expect(ok.scenarios[0]?.verdict).toBe("expected-failure");
    expect(ok.requirements.find((q) => q.id === "AH-HDR-1")?.verdict).toBe("expected-failure");

    const stale = computeVerdict(results, reqs, [{ id: "x/a" }, { id: "x/b" }]);
    expect(stale.conformant).toBe(false);
    expect(stale.problems.join("\n")).toMatch(/stale expected failure.*x\/b/);

    const unknown = computeVerdict(results, reqs, [{ id: "x/a" }, { id: "x/zzz" }]);
    expect(unknown.conformant).toBe(false);
  });

  it("fails when nothing was executed, and marks filtered requirements not-run", () => {
    const v = computeVerdict(
      [r("x/b", "skipped", ["@AH-HDR-2"])],
      reqs,
      [],
      [
        { id: "x/b", tags: ["@AH-HDR-2"] },
        { id: "x/c", tags: ["@AH-HDR-1"] },
      ],
    );
    expect(v.conformant).toBe(false);
    expect(v.problems).toContain("no scenario was executed");
    expect(v.requirements.find((q) => q.id === "AH-HDR-1")?.verdict).toBe("not-run");
  });
});

describe("cucumber messages", () => {
  const env = (o: object) => JSON.stringify(o);
  const ndjson = [
    env({
      pickle: {
        id: "p1",
        uri: "features/h/required.feature",
        name: "A call (x)",
        tags: [{ name: "@AH-HDR-1" }],
      },
    }),
    env({ pickle: { id: "p2", uri: "features/h/required.feature", name: "Other", tags: [] } }),
    env({ pickle: { id: "p3", uri: "features/h/required.feature", name: "Skipped one", tags: [] } }),
    env({ pickle: { id: "p4", uri: "features/h/required.feature", name: "Undefined one", tags: [] } }),
    env({ testCase: { id: "t1", pickleId: "p1" } }),
    env({ testCase: { id: "t2", pickleId: "p2" } }),
    env({ testCase: { id: "t3", pickleId: "p3" } }),
    env({ testCase: { id: "t4", pickleId: "p4" } }),
    env({ testCaseStarted: { id: "s1", testCaseId: "t1", attempt: 0 } }),
    env({ testStepFinished: { testCaseStartedId: "s1", testStepResult: { status: "PASSED" } } }),
    env({ testCaseStarted: { id: "s2", testCaseId: "t2", attempt: 0 } }),
    env({ testStepFinished: { testCaseStartedId: "s2", testStepResult: { status: "PASSED" } } }),
    env({
      testStepFinished: { testCaseStartedId: "s2", testStepResult: { status: "FAILED", message: "boom" } },
    }),
    env({ testCaseStarted: { id: "s3", testCaseId: "t3", attempt: 0 } }),
    env({
      attachment: {
        testCaseStartedId: "s3",
        body: "skip-reason: capability not claimed: stdio",
        mediaType: "text/plain",
      },
    }),
    env({ testStepFinished: { testCaseStartedId: "s3", testStepResult: { status: "SKIPPED" } } }),
    env({ testCaseStarted: { id: "s4", testCaseId: "t4", attempt: 0 } }),
    env({ testStepFinished: { testCaseStartedId: "s4", testStepResult: { status: "UNDEFINED" } } }),
  ].join("\n");

  it("derives one result per pickle", () => {
    const results = scenarioResults(parseNdjson(ndjson));
    const byId = new Map(results.map((x) => [x.id, x]));
    expect(byId.get("required/a-call-x")?.status).toBe("passed");
    expect(byId.get("required/a-call-x")?.tags).toEqual(["@AH-HDR-1"]);
    expect(byId.get("required/other")).toMatchObject({ status: "failed", message: "boom" });
    expect(byId.get("required/skipped-one")).toMatchObject({
      status: "skipped",
      message: "capability not claimed: stdio",
    });
    expect(byId.get("required/undefined-one")?.status).toBe("failed");
  });

  it("builds stable ids", () => {
    expect(slug("Half a pair names the missing half (kubernetes-client-key-data)")).toBe(
      "half-a-pair-names-the-missing-half-kubernetes-client-key-data",
    );
    expect(scenarioId("features/tls/verification.feature", "A CA that isn't it")).toBe(
      "verification/a-ca-that-isnt-it",
    );
  });
});

describe("spec parsing", () => {
  it("reads ids and levels", () => {
    const md = [
      "- **AH-A-1** A call MUST do x.",
      "  More text.",
      "- **AH-A-2** (SHOULD) Results SHOULD name things.",
      "- **AH-A-3** Logs SHOULD record a line.",
      "- **AH-A-4** *Withdrawn*.",
      "- **AH-A-5** Reuse MAY happen; the pool MUST be bounded, SHOULD be small.",
    ].join("\n");
    const reqs = parseRequirements(md);
    expect(reqs.map((q) => [q.id, q.level, q.withdrawn])).toEqual([
      ["AH-A-1", "MUST", false],
      ["AH-A-2", "SHOULD", false],
      ["AH-A-3", "SHOULD", false],
      ["AH-A-4", "MUST", true],
      ["AH-A-5", "MUST", false],
    ]);
    expect(reqs[0]?.title).toBe("A call MUST do x.");
  });
});
