// Requirement → scenarios, as `list` prints it. Kept apart from the command's
// registration so that `--help` does not parse the features.
import { capabilityTags } from "../profile/schema.js";
import { loadScenarios, mappingProblems, mapRequirements, selectScenarios } from "../spec/features.js";
import { loadRequirements } from "../spec/requirements.js";

export interface ListOutput {
  requirements: { id: string; level: string; scenarios: string[] }[];
  uncovered: string[];
  problems: string[];
  /** Scenario id → the optional capabilities (profile `capabilities`) it needs; absent: none. */
  needs: Record<string, string[]>;
}

export function listMapping(tags?: string): ListOutput {
  const reqs = loadRequirements();
  const scenarios = selectScenarios(loadScenarios(), tags);
  const m = mapRequirements(reqs, scenarios);
  return {
    requirements: reqs
      .filter((r) => !r.withdrawn)
      .map((r) => ({
        id: r.id,
        level: r.level,
        scenarios: (m.byRequirement.get(r.id) ?? []).map((s) => s.id),
      })),
    uncovered: m.uncovered,
    problems: mappingProblems(m),
    needs: Object.fromEntries(
      scenarios.map((s) => [s.id, capabilityTags(s.tags)] as const).filter(([, caps]) => caps.length > 0),
    ),
  };
}
