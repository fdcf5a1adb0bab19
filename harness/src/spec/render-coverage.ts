// npm run docs:coverage: renders the sentence coverage of docs/spec.md into docs/coverage.md.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { coverage, withCoverage } from "./coverage.js";
import { REPO_ROOT } from "./requirements.js";

const report = coverage();
if (report.problems.length) {
  for (const p of report.problems) process.stderr.write(`error: ${p}\n`);
  process.exit(1);
}
const path = join(REPO_ROOT, "docs", "coverage.md");
writeFileSync(path, withCoverage(readFileSync(path, "utf8"), report));
process.stdout.write(`${path} updated\n`);
