// Prints CI's closing line, `N passed, N failed[, N skipped]`, from vitest's
// own JSON results (vitest's human summary is not a line CI recognises).
// Exits 1 when the results are missing, failed, or counted no test at all.
import { readFileSync } from "node:fs";

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  success: boolean;
}

const path = process.argv[2] ?? ".cache/vitest-results.json";
let r: VitestJson;
try {
  r = JSON.parse(readFileSync(path, "utf8")) as VitestJson;
} catch (e) {
  process.stderr.write(`no test results at ${path}: ${(e as Error).message}\n`);
  process.exit(1);
}
const skipped = r.numPendingTests + r.numTodoTests;
process.stdout.write(
  `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
);
process.exit(r.numFailedTests === 0 && r.numPassedTests > 0 && r.success ? 0 : 1);
