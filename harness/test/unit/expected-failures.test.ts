import { describe, expect, it } from "vitest";
import { applyExpectedFailures, parseExpectedFailures } from "../../src/report/expected-failures.js";

describe("expected failures", () => {
  it("parses plain lists, objects with reasons and the wrapped form", () => {
    expect(parseExpectedFailures("- a/b\n- id: c/d\n  reason: known\n")).toEqual([
      { id: "a/b" },
      { id: "c/d", reason: "known" },
    ]);
    expect(parseExpectedFailures("expectedFailures:\n  - x/y\n")).toEqual([{ id: "x/y" }]);
    expect(parseExpectedFailures("")).toEqual([]);
  });

  it("rejects malformed files", () => {
    expect(() => parseExpectedFailures("foo: bar\n")).toThrow(/invalid expected-failures/);
    expect(() => parseExpectedFailures("- id: 3\n")).toThrow(/invalid expected-failures/);
  });

  it("classifies expected, stale, not run and unknown entries", () => {
    const results = new Map([
      ["f/failing", "failed" as const],
      ["f/passing", "passed" as const],
      ["f/skipped", "skipped" as const],
    ]);
    const all = new Set(["f/failing", "f/passing", "f/skipped", "f/filtered"]);
    const out = applyExpectedFailures(
      [{ id: "f/failing" }, { id: "f/passing" }, { id: "f/skipped" }, { id: "f/filtered" }, { id: "f/typo" }],
      results,
      all,
    );
    expect(out.expected).toEqual(["f/failing"]);
    expect(out.stale).toEqual(["f/passing"]);
    expect(out.notRun).toEqual(["f/skipped", "f/filtered"]);
    expect(out.unknown).toEqual(["f/typo"]);
  });
});
