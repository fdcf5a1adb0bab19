// docs/spec.md holds two conformance classes; the parser records each requirement's class, a
// run's verdict judges one class, and `list` shows a class without scenarios as an open gap.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listMapping } from "../../src/cli/list-mapping.js";
import type { ScenarioResult } from "../../src/report/messages.js";
import { emptyRecord } from "../../src/report/model.js";
import { computeVerdict } from "../../src/report/verdict.js";
import { classOf, loadRequirements, parseRequirements, SPEC_PATH } from "../../src/spec/requirements.js";

const md = `# Spec

## 1. Things (AH-A)

- **AH-A-1** A provider MUST do a thing.

## 11. Other design (class \`known-clusters\`)

### 11.1 Requirements

- **AH-KC-1** A provider MUST refuse a call without a token.
- **AH-KC-2** (SHOULD) Results SHOULD name the context.

### 11.2 Mapping

| requirement | in known-clusters |
|---|---|
| AH-A-1 | applies |

## Conformance

- **AH-B-1** A provider MUST be listed after the class section ends.
`;

const results: ScenarioResult[] = [
  {
    id: "f/s",
    name: "s",
    uri: "features/f.feature",
    tags: ["@AH-A-1", "@AH-B-1"],
    status: "passed",
    record: {
      ...emptyRecord(),
      checks: [{ id: "c", requirements: ["AH-A-1", "AH-B-1"], status: "pass", expectation: "e" }],
    },
  },
];

describe("requirement classes", () => {
  it("records the class of the section a requirement is in; none before or after a class section is tuple", () => {
    const reqs = parseRequirements(md);
    expect(reqs.map((r) => [r.id, classOf(r), r.level])).toEqual([
      ["AH-A-1", "tuple", "MUST"],
      ["AH-KC-1", "known-clusters", "MUST"],
      ["AH-KC-2", "known-clusters", "SHOULD"],
      ["AH-B-1", "tuple", "MUST"],
    ]);
  });

  it("refuses a heading that names a class the harness does not know", () => {
    expect(() => parseRequirements("## 12. X (class `tupel`)\n\n- **AH-X-1** MUST.\n")).toThrow(
      /unknown conformance class "tupel"/,
    );
  });

  it("a tuple-class verdict judges tuple requirements only: the other class is neither uncovered nor passed", () => {
    const reqs = parseRequirements(md);
    const tuple = computeVerdict(results, reqs);
    expect(tuple.requirements.map((r) => r.id)).toEqual(["AH-A-1", "AH-B-1"]);
    expect(tuple.outcome).toBe("CONFORMANT");
    // judged as the other class, the same run has nothing for it: uncovered, PARTIAL, never passed
    const other = computeVerdict(results, reqs, [], results, "known-clusters");
    expect(other.requirements.map((r) => [r.id, r.verdict])).toEqual([
      ["AH-KC-1", "uncovered"],
      ["AH-KC-2", "uncovered"],
    ]);
    expect(other.outcome).toBe("PARTIAL");
  });

  it("docs/spec.md: the known-clusters requirements are listed as having no scenario yet, never as covered", () => {
    const kc = loadRequirements()
      .filter((r) => classOf(r) === "known-clusters")
      .map((r) => r.id);
    expect(kc.length).toBeGreaterThanOrEqual(13);
    expect(kc.every((id) => /^AH-KC-\d+$/.test(id))).toBe(true);
    const out = listMapping();
    expect(out.noScenarioYet).toEqual(kc);
    expect(out.uncovered.filter((id) => kc.includes(id))).toEqual([]);
    for (const r of out.requirements.filter((x) => x.class === "known-clusters"))
      expect(r.scenarios).toEqual([]);
  });

  it("docs/spec.md maps every tuple-class requirement to the known-clusters class", () => {
    const reqs = loadRequirements();
    const text = readFileSync(SPEC_PATH, "utf8");
    const table = text.slice(text.indexOf("### 11.2"), text.indexOf("## Conformance\n"));
    const tuple = reqs.filter((q) => classOf(q) === "tuple" && !q.withdrawn);
    for (const r of tuple) {
      expect(table, r.id).toMatch(
        new RegExp(
          `^\\| ${r.id} \\| (applies|adapted: AH-KC-\\d+(, AH-KC-\\d+)*|does not apply) \\| \\S`,
          "m",
        ),
      );
    }
    expect(table.match(/^\| AH-(?!KC)[A-Z]+-\d+ \|/gm)?.length).toBe(tuple.length);
    const kc = new Set(reqs.filter((q) => classOf(q) === "known-clusters").map((q) => q.id));
    for (const id of table.match(/AH-KC-\d+/g) ?? []) expect(kc.has(id), id).toBe(true);
  });
});
