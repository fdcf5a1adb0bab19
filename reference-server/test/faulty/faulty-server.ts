// Test-only entry point: the reference server with the deliberate defects named by
// AUTH_HEADERS_DEFECT (one, or several comma-separated), so the conformance suite can prove
// each check can fail. The production bin (src/main.ts → src/cli.ts) has no way to pass faults.
import { parseCli } from "../../src/cli.js";
import { run } from "../../src/run.js";
import { faultsOf } from "./catalogue.js";
import { DEFECT_NAMES, parseDefectList } from "./defect-names.js";

const parsed = parseDefectList(process.env.AUTH_HEADERS_DEFECT ?? "");
if ("error" in parsed) {
  process.stderr.write(
    `${parsed.error}; AUTH_HEADERS_DEFECT must name one or more (comma-separated) of: ${DEFECT_NAMES.join(", ")}\n`,
  );
  process.exit(2);
}
await run({ ...parseCli(process.argv.slice(2)), faults: faultsOf(parsed.names) });
