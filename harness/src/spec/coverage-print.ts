// `list --coverage`: the sentence coverage as text (or JSON), problems on stderr.
import { coverage } from "./coverage.js";

/** Prints the coverage; returns the exit code (1 when fixtures/coverage.yaml has problems). */
export function printCoverage(json: boolean): number {
  const report = coverage();
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const r of report.rows) {
      process.stdout.write(`${r.id} (${r.level}) ${r.sentence}\n`);
      if (r.gap) process.stdout.write(`    GAP: ${r.gap}\n`);
      else
        process.stdout.write(
          `    fails: ${r.scenarios.length} scenario(s); defects: ${r.defects.join(", ")}\n`,
        );
    }
    const gaps = report.rows.filter((r) => r.gap).length;
    process.stdout.write(
      `\n${report.rows.length} sentences, ${report.rows.length - gaps} covered, ${gaps} gaps\n`,
    );
  }
  for (const p of report.problems) process.stderr.write(`error: ${p}\n`);
  return report.problems.length ? 1 : 0;
}
