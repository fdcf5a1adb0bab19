// Test-only entry point: starts the reference server with ONE deliberate defect taken
// from AUTH_HEADERS_DEFECT, so the conformance suite can prove each check can fail.
// The production bin (src/main.ts → src/cli.ts) never passes defects.
import { parseCli } from "../../src/cli.js";
import { DEFECT_NAMES, isDefectName } from "../../src/defects.js";
import { run } from "../../src/run.js";

const name = process.env.AUTH_HEADERS_DEFECT ?? "";
if (!isDefectName(name)) {
  process.stderr.write(`AUTH_HEADERS_DEFECT must be one of: ${DEFECT_NAMES.join(", ")}\n`);
  process.exit(2);
}
await run({ ...parseCli(process.argv.slice(2)), defects: new Set([name]) });
