import type { Command } from "commander";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("print requirement → scenarios (from the features' tags and docs/spec.md); unknown ids fail")
    .option("--tags <expression>", "only scenarios matching this tag expression")
    .option("--json", "machine-readable output")
    .option("--trace <requirement>", "requirement → scenarios → steps → checks, each with file:line")
    .option(
      "--coverage",
      "each normative sentence of docs/spec.md with the scenarios and defects that fail on it, and the gaps",
    )
    .action(async (o) => {
      if (o.coverage) {
        const { printCoverage } = await import("../../spec/coverage-print.js");
        process.exitCode = printCoverage(Boolean(o.json));
        return;
      }
      if (o.trace) {
        const { trace, formatTrace } = await import("../../spec/trace.js");
        const t = trace(o.trace);
        if (!t) {
          process.stderr.write(`error: no requirement ${o.trace} in docs/spec.md\n`);
          process.exitCode = 2;
          return;
        }
        process.stdout.write(`${o.json ? JSON.stringify(t, null, 2) : formatTrace(t)}\n`);
        return;
      }
      const { listMapping } = await import("../list-mapping.js");
      const out = listMapping(o.tags);
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else {
        const pending = new Set(out.noScenarioYet);
        for (const r of out.requirements) {
          const count = pending.has(r.id) ? "no scenario yet" : `${r.scenarios.length} scenario(s)`;
          process.stdout.write(`${r.id} (${r.level}, class ${r.class}) — ${count}\n`);
          for (const s of r.scenarios) {
            const caps = out.needs[s];
            process.stdout.write(`    ${s}${caps ? `  (needs capability: ${caps.join(", ")})` : ""}\n`);
          }
        }
        process.stdout.write(
          "\nA scenario that needs a capability runs only when the profile claims it (docs/usage.md#profile-format).\n",
        );
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
