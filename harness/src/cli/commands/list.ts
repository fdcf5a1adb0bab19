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
        for (const r of out.requirements) {
          process.stdout.write(`${r.id} (${r.level}) — ${r.scenarios.length} scenario(s)\n`);
          for (const s of r.scenarios) {
            const caps = out.needs[s];
            process.stdout.write(`    ${s}${caps ? `  (needs capability: ${caps.join(", ")})` : ""}\n`);
          }
        }
        process.stdout.write(
          "\nA scenario that needs a capability runs only when the profile claims it (docs/usage.md#profile-format).\n",
        );
        if (out.uncovered.length) process.stdout.write(`\nuncovered: ${out.uncovered.join(", ")}\n`);
      }
      for (const p of out.problems) process.stderr.write(`error: ${p}\n`);
      process.exitCode = out.problems.length ? 1 : 0;
    });
}
