import type { Command } from "commander";
import { loadScenarios, mappingProblems, mapRequirements, selectScenarios } from "../../spec/features.js";
import { loadRequirements } from "../../spec/requirements.js";

export interface ListOutput {
  requirements: { id: string; level: string; scenarios: string[] }[];
  uncovered: string[];
  problems: string[];
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
  };
}

export function registerList(program: Command): void {
  program
    .command("list")
    .description("print requirement → scenarios (from the features' tags and docs/spec.md); unknown ids fail")
    .option("--tags <expression>", "only scenarios matching this tag expression")
    .option("--json", "machine-readable output")
    .action((o) => {
      const out = listMapping(o.tags);
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else {
        for (const r of out.requirements) {
          process.stdout.write(`${r.id} (${r.level}) — ${r.scenarios.length} scenario(s)\n`);
          for (const s of r.scenarios) process.stdout.write(`    ${s}\n`);
        }
        if (out.uncovered.length) process.stdout.write(`\nuncovered: ${out.uncovered.join(", ")}\n`);
      }
      for (const p of out.problems) process.stderr.write(`error: ${p}\n`);
      process.exitCode = out.problems.length ? 1 : 0;
    });
}
