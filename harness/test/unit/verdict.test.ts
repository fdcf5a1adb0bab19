import { describe, expect, it } from "vitest";
import {
  parseNdjson,
  type ScenarioResult,
  scenarioId,
  scenarioResults,
  slug,
} from "../../src/report/messages.js";
import { type CheckRecord, emptyRecord } from "../../src/report/model.js";
import { computeVerdict } from "../../src/report/verdict.js";
import { parseRequirements, type Requirement } from "../../src/spec/requirements.js";

const reqs: Requirement[] = [
  { id: "AH-HDR-1", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-HDR-2", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-ORIGIN-1", level: "SHOULD", withdrawn: false, title: "" },
  { id: "AH-OLD-1", level: "MUST", withdrawn: true, title: "" },
  { id: "AH-NET-9", level: "MUST", withdrawn: false, title: "" },
];

type Check = Pick<CheckRecord, "id" | "requirements" | "status"> & { message?: string };

/** A scenario result whose record holds these checks. */
const r = (
  id: string,
  status: ScenarioResult["status"],
  tags: string[],
  checks: Check[] = [],
): ScenarioResult => ({
  id,
  name: id,
  uri: "features/x.feature",
  tags,
  status,
  record: { ...emptyRecord(), checks: checks.map((c) => ({ expectation: c.id, ...c })) },
});
const pass = (id: string, ...requirements: string[]): Check => ({ id, requirements, status: "pass" });
const failed = (id: string, message: string, ...requirements: string[]): Check => ({
  id,
  requirements,
  status: "fail",
  message,
});
const untestable = (id: string, message: string, ...requirements: string[]): Check => ({
  id,
  requirements,
  status: "untestable",
  message,
});
const req = (v: ReturnType<typeof computeVerdict>, id: string) => v.requirements.find((q) => q.id === id);

describe("verdict from checks", () => {
  it("passes a requirement only when every check that names it passed", () => {
    const v = computeVerdict(
      [
        r(
          "x/a",
          "passed",
          ["@AH-HDR-1", "@AH-HDR-2"],
          [pass("refused", "AH-HDR-1"), pass("error-code", "AH-HDR-2")],
        ),
        r("x/b", "skipped", ["@AH-NET-9", "@stdio"]),
      ],
      reqs,
    );
    expect(v.outcome).toBe("CONFORMANT");
    expect(v.conformant).toBe(true);
    expect(req(v, "AH-HDR-1")?.verdict).toBe("pass");
    expect(req(v, "AH-NET-9")?.verdict).toBe("skipped");
    expect(req(v, "AH-ORIGIN-1")?.verdict).toBe("uncovered");
    expect(v.requirements.some((q) => q.id === "AH-OLD-1")).toBe(false);
  });

  it("fails only the requirement of the failing check, not every tag of the scenario", () => {
    const v = computeVerdict(
      [
        r(
          "x/a",
          "failed",
          ["@AH-HDR-1", "@AH-HDR-2"],
          [pass("refused", "AH-HDR-1"), failed("error-code", "a JSON-RPC error", "AH-HDR-2")],
        ),
      ],
      reqs,
    );
    expect(req(v, "AH-HDR-1")?.verdict).toBe("pass");
    expect(req(v, "AH-HDR-2")?.verdict).toBe("fail");
    expect(v.outcome).toBe("NOT CONFORMANT");
    expect(v.scenarios[0]?.verdict).toBe("fail");
  });

  it("warns on SHOULD failures only", () => {
    const v = computeVerdict(
      [
        r(
          "x/a",
          "passed",
          ["@AH-HDR-1", "@AH-HDR-2", "@AH-NET-9"],
          [pass("a", "AH-HDR-1"), pass("b", "AH-HDR-2"), pass("c", "AH-NET-9")],
        ),
        r("o/n", "failed", ["@AH-ORIGIN-1"], [failed("names-A", "no origin", "AH-ORIGIN-1")]),
      ],
      reqs,
    );
    expect(v.outcome).toBe("CONFORMANT");
    expect(v.counts.warning).toBe(1);
    expect(req(v, "AH-ORIGIN-1")?.verdict).toBe("warning");
  });

  it("makes a requirement partial, never pass, when a check could not be judged, and the run PARTIAL", () => {
    const v = computeVerdict(
      [
        r("x/a", "passed", ["@AH-HDR-1", "@AH-HDR-2"], [pass("a", "AH-HDR-1"), pass("b", "AH-HDR-2")]),
        r(
          "x/b",
          "skipped",
          ["@AH-HDR-1"],
          [untestable("output", "no target log under --target-url", "AH-HDR-1")],
        ),
      ],
      reqs,
    );
    expect(req(v, "AH-HDR-1")?.verdict).toBe("partial");
    expect(req(v, "AH-HDR-1")?.notes).toEqual(["no target log under --target-url"]);
    expect(v.scenarios.find((s) => s.id === "x/b")?.verdict).toBe("untestable");
    expect(v.outcome).toBe("PARTIAL");
    expect(v.conformant).toBe(false);
    expect(v.gaps.join()).toMatch(/AH-HDR-1 partial/);
  });

  it("says PARTIAL when a tag filter leaves MUST requirements not run", () => {
    const v = computeVerdict(
      [r("x/a", "passed", ["@AH-HDR-1"], [pass("a", "AH-HDR-1")])],
      reqs,
      [],
      [
        { id: "x/a", tags: ["@AH-HDR-1"] },
        { id: "x/c", tags: ["@AH-HDR-2", "@AH-NET-9"] },
      ],
    );
    expect(req(v, "AH-HDR-2")?.verdict).toBe("not-run");
    expect(v.outcome).toBe("PARTIAL");
  });

  it("matches expected failures by scenario, by check and by requirement, the same in every view", () => {
    const results = [
      r("x/a", "failed", ["@AH-HDR-1"], [failed("refused", "served", "AH-HDR-1")]),
      r(
        "x/b",
        "failed",
        ["@AH-HDR-2"],
        [failed("error-code", "json-rpc", "AH-HDR-2"), pass("refused", "AH-HDR-2")],
      ),
      r("x/c", "failed", ["@AH-NET-9"], [failed("x", "boom", "AH-NET-9")]),
    ];
    const v = computeVerdict(results, reqs, [
      { id: "x/a", reason: "by design" },
      { id: "x/b#error-code" },
      { id: "AH-NET-9", reason: "not yet" },
    ]);
    expect(v.outcome).toBe("EXPECTED FAILURES ONLY");
    expect(v.scenarios.map((s) => s.verdict)).toEqual([
      "expected-failure",
      "expected-failure",
      "expected-failure",
    ]);
    expect(v.scenarios[0]?.checks[0]?.expected).toEqual({ reason: "by design" });
    expect(req(v, "AH-NET-9")?.verdict).toBe("expected-failure");
    expect(v.problems).toEqual([]);
  });

  it("fails the run on stale and unknown expected failures", () => {
    const results = [
      r("x/a", "failed", ["@AH-HDR-1"], [failed("refused", "served", "AH-HDR-1")]),
      r("x/b", "passed", ["@AH-HDR-2"], [pass("refused", "AH-HDR-2")]),
    ];
    const stale = computeVerdict(results, reqs, [{ id: "x/a" }, { id: "x/b" }, { id: "AH-HDR-2" }]);
    expect(stale.outcome).toBe("NOT CONFORMANT");
    expect(stale.problems.join("\n")).toMatch(/stale expected failure.*x\/b/);
    expect(stale.expectations.stale).toEqual(["x/b", "AH-HDR-2"]);
    const unknown = computeVerdict(results, reqs, [{ id: "x/a" }, { id: "x/zzz" }, { id: "AH-NOPE-1" }]);
    expect(unknown.expectations.unknown).toEqual(["x/zzz", "AH-NOPE-1"]);
    expect(unknown.outcome).toBe("NOT CONFORMANT");
  });

  it("groups the same failure of many scenarios into one cause", () => {
    const lifecycle = (i: number) =>
      r(
        `x/s${i}`,
        "failed",
        ["@AH-HDR-1"],
        [
          failed(
            "initialize-without-cluster-headers",
            `initialize without cluster headers was refused: HTTP 400 at 127.0.0.1:${4000 + i}`,
            "AH-HDR-2",
          ),
          pass("refused", "AH-HDR-1"),
        ],
      );
    const v = computeVerdict(
      [
        lifecycle(1),
        lifecycle(2),
        lifecycle(3),
        r("x/b", "failed", ["@AH-HDR-1"], [failed("refused", "served", "AH-HDR-1")]),
      ],
      reqs,
    );
    expect(v.causes).toHaveLength(2);
    expect(v.causes[0]).toMatchObject({ requirements: ["AH-HDR-2"], scenarios: ["x/s1", "x/s2", "x/s3"] });
    expect(v.causes[0]?.message).toBe("initialize without cluster headers was refused: HTTP N at <host>");
    expect(req(v, "AH-HDR-1")?.verdict).toBe("fail");
  });

  it("judges a step that failed outside the checks under the scenario's subject", () => {
    const res = { ...r("x/a", "failed", ["@AH-HDR-1", "@AH-ERR-1"]), stepError: "undefined step" };
    const v = computeVerdict(
      [res],
      [...reqs, { id: "AH-ERR-1", level: "MUST", withdrawn: false, title: "" }],
    );
    expect(v.scenarios[0]?.checks).toMatchObject([
      { id: "step-error", requirements: ["AH-HDR-1"], status: "fail" },
    ]);
    expect(req(v, "AH-ERR-1")?.verdict).toBe("not-run");
  });

  it("fails when nothing was executed", () => {
    const v = computeVerdict(
      [r("x/b", "skipped", ["@AH-HDR-2"])],
      reqs,
      [],
      [
        { id: "x/b", tags: ["@AH-HDR-2"] },
        { id: "x/c", tags: ["@AH-HDR-1"] },
      ],
    );
    expect(v.outcome).toBe("NOT CONFORMANT");
    expect(v.problems).toContain("no scenario was executed");
    expect(req(v, "AH-HDR-1")?.verdict).toBe("not-run");
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
