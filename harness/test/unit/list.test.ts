import { describe, expect, it } from "vitest";
import { listMapping } from "../../src/cli/list-mapping.js";
import { mappingProblems, mapRequirements, parseFeature, selectScenarios } from "../../src/spec/features.js";
import type { Requirement } from "../../src/spec/requirements.js";

const reqs: Requirement[] = [
  { id: "AH-HDR-1", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-HDR-2", level: "MUST", withdrawn: false, title: "" },
  { id: "AH-GONE-1", level: "MUST", withdrawn: true, title: "" },
];

const feature = `@headers
Feature: f
  @AH-HDR-1
  Scenario Outline: s <x>
    Given a step
    @AH-HDR-2
    Examples:
      | x |
      | 1 |
    @AH-XYZ-9
    Examples:
      | x |
      | 2 |

  @AH-GONE-1
  Scenario: old
    Given a step

  Scenario: untagged
    Given a step
`;

describe("requirement mapping", () => {
  const scenarios = parseFeature(feature, "features/h/f.feature");

  it("expands outlines with example tags", () => {
    expect(scenarios.map((s) => s.id)).toEqual(["f/s-1", "f/s-2", "f/old", "f/untagged"]);
    expect(scenarios[0]?.tags).toEqual(["@headers", "@AH-HDR-1", "@AH-HDR-2"]);
  });

  it("maps ids and reports unknown, withdrawn and untagged scenarios", () => {
    const m = mapRequirements(reqs, scenarios);
    expect(m.byRequirement.get("AH-HDR-1")?.map((s) => s.id)).toEqual(["f/s-1", "f/s-2"]);
    expect(m.byRequirement.get("AH-HDR-2")?.map((s) => s.id)).toEqual(["f/s-1"]);
    expect(m.unknownIds).toEqual([
      { id: "AH-XYZ-9", scenario: "f/s-2" },
      { id: "AH-GONE-1", scenario: "f/old" },
    ]);
    const problems = mappingProblems(m);
    expect(problems).toContain("unknown requirement id @AH-XYZ-9 on f/s-2");
    expect(problems).toContain("scenario without requirement tag: f/untagged");
  });

  it("filters by tag expression", () => {
    expect(selectScenarios(scenarios, "@AH-HDR-2").map((s) => s.id)).toEqual(["f/s-1"]);
    expect(selectScenarios(scenarios, "not @AH-HDR-1")).toHaveLength(2);
  });

  it("the repository's features match docs/spec.md", () => {
    const out = listMapping();
    expect(out.problems).toEqual([]);
    const covered = out.requirements.filter((r) => r.scenarios.length > 0).length;
    expect(covered).toBeGreaterThan(35);
    // every scenario carries an area tag and its capability tags are known
    const all = listMapping("@meta or @stdio").requirements.flatMap((r) => r.scenarios);
    expect(all.length).toBeGreaterThan(0);
  });

  it("says which capability each scenario needs, and none for the core ones", () => {
    const meta = listMapping("@meta");
    const ids = [...new Set(meta.requirements.flatMap((r) => r.scenarios))];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(meta.needs[id]).toContain("meta");
    const core = listMapping(
      "not @meta and not @stdio and not @stateless and not @allowlist and not @insecure-opt-in and not @plain-http-opt-in",
    );
    expect(core.requirements.flatMap((r) => r.scenarios).length).toBeGreaterThan(0);
    expect(core.needs).toEqual({});
  });
});
