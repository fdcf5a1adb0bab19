import type { Command } from "commander";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("print requirement → scenarios (from the features' tags and docs/spec.md); unknown ids fail")
    .option("--tags <expression>", "only scenarios matching this tag expression")
    .option("--json", "machine-readable output")
    .action(async (o) => {
      const { listMapping } = await import("../list-mapping.js");
      const out = listMapping(o.tags);
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else {
        const pending = new Set(out.noScenarioYet);
        for (const r of out.requirements) {
          const count = pending.has(r.id) ? "no scenario yet" : `${r.scenarios.length} scenario(s)`;
          process.stdout.write(`${r.id} (${r.level}, class ${r.class}) — ${count}\n`);
          for (const s of r.scenarios) process.stdout.write(`    ${s}\n`);
        }
        if (out.uncovered.length) process.stdout.write(`\nuncovered: ${out.uncovered.join(", ")}\n`);
        if (out.noScenarioYet.length)
          process.stdout.write(
            `\nno scenario yet (their class has no scenarios; an open gap, not a pass): ${out.noScenarioYet.join(", ")}\n`,
          );
      }
      for (const p of out.problems) process.stderr.write(`error: ${p}\n`);
      process.exitCode = out.problems.length ? 1 : 0;
    });
}
