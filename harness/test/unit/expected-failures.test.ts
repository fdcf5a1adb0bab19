import { describe, expect, it } from "vitest";
import { matchExpectations, parseExpectedFailures } from "../../src/report/expected-failures.js";

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
    const check = (id: string, status: string, ...requirements: string[]) => ({ id, status, requirements });
    const scenarios = [
      {
        id: "f/failing",
        ran: true,
        checks: [check("refused", "fail", "AH-A-1"), check("code", "pass", "AH-A-2")],
      },
      { id: "f/passing", ran: true, checks: [check("refused", "pass", "AH-A-1")] },
      { id: "f/skipped", ran: false, checks: [] },
    ];
    const all = new Set(["f/failing", "f/passing", "f/skipped", "f/filtered"]);
    const out = matchExpectations(
      [
        { id: "f/failing" },
        { id: "f/passing" },
        { id: "f/skipped" },
        { id: "f/filtered" },
        { id: "f/typo" },
        { id: "f/failing#code" },
        { id: "AH-A-2" },
        { id: "AH-A-9" },
      ],
      scenarios,
      all,
      new Set(["AH-A-1", "AH-A-2"]),
    );
    expect(out.expected).toEqual(["f/failing"]);
    expect(out.stale).toEqual(["f/passing", "f/failing#code", "AH-A-2"]);
    expect(out.notRun).toEqual(["f/skipped", "f/filtered"]);
    expect(out.unknown).toEqual(["f/typo", "AH-A-9"]);
    expect(out.covering).toEqual({ "f/failing#refused": {} });
  });

  it("covers a check by requirement only when all its requirements are listed", () => {
    const scenarios = [
      { id: "f/a", ran: true, checks: [{ id: "x", status: "fail", requirements: ["AH-A-1", "AH-A-2"] }] },
    ];
    const one = matchExpectations(
      [{ id: "AH-A-1" }],
      scenarios,
      new Set(["f/a"]),
      new Set(["AH-A-1", "AH-A-2"]),
    );
    expect(one.covering).toEqual({});
    expect(one.stale).toEqual(["AH-A-1"]);
    const both = matchExpectations(
      [{ id: "AH-A-1", reason: "r" }, { id: "AH-A-2" }],
      scenarios,
      new Set(["f/a"]),
      new Set(["AH-A-1", "AH-A-2"]),
    );
    expect(both.expected).toEqual(["AH-A-1", "AH-A-2"]);
    expect(Object.keys(both.covering)).toEqual(["f/a#x"]);
  });
});
