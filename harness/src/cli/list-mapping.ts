// Requirement → scenarios, as `list` prints it. Kept apart from the command's
// registration so that `--help` does not parse the features.
import { capabilityTags } from "../profile/schema.js";
import { loadScenarios, mappingProblems, mapRequirements, selectScenarios } from "../spec/features.js";
import { classOf, loadRequirements, type RequirementClass } from "../spec/requirements.js";

export interface ListOutput {
  requirements: { id: string; level: string; class: RequirementClass; scenarios: string[] }[];
  /** Requirements no selected scenario covers, in a class that has scenarios: a gap in the suite. */
  uncovered: string[];
  /** Requirements of a class no scenario of the suite judges yet: an open gap, never a pass. */
  noScenarioYet: string[];
  problems: string[];
  /** Scenario id → the optional capabilities (profile `capabilities`) it needs; absent: none. */
  needs: Record<string, string[]>;
}

export function listMapping(tags?: string): ListOutput {
  const reqs = loadRequirements();
  const all = loadScenarios();
  const classOfId = new Map(reqs.map((r) => [r.id, classOf(r)]));
  // A class has scenarios when any scenario of the suite (whatever --tags selects) names one of its requirements.
  const classesWithScenarios = new Set(
    [...mapRequirements(reqs, all).byRequirement]
      .filter(([, list]) => list.length > 0)
      .map(([id]) => classOfId.get(id)),
  );
  const m = mapRequirements(reqs, selectScenarios(all, tags));
  const withoutClassScenarios = (id: string) => !classesWithScenarios.has(classOfId.get(id));
  return {
    requirements: reqs
      .filter((r) => !r.withdrawn)
      .map((r) => ({
        id: r.id,
        level: r.level,
        class: classOf(r),
        scenarios: (m.byRequirement.get(r.id) ?? []).map((s) => s.id),
      })),
    uncovered: m.uncovered.filter((id) => !withoutClassScenarios(id)),
    noScenarioYet: m.uncovered.filter(withoutClassScenarios),
    problems: mappingProblems(m),
    needs: Object.fromEntries(
      selectScenarios(all, tags)
        .map((s) => [s.id, capabilityTags(s.tags)] as const)
        .filter(([, caps]) => caps.length > 0),
    ),
  };
}
