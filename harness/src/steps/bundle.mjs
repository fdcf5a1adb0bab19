// The step definitions of a checkout as one bundle (tools/source-bundle.mjs), for the Cucumber
// workers: each worker otherwise loads some two hundred TypeScript modules through tsx (3.6 s
// of CPU before its first scenario, in every run of the suite). Keyed by every source it may
// contain: harness/src, and reference-server/src for the wire constants.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sourceBundle } from "../../../tools/source-bundle.mjs";

const here = fileURLToPath(new URL("./", import.meta.url));
const at = (p) => fileURLToPath(new URL(p, import.meta.url));

/** hooks first, then every `*.steps.ts` in name order: the order the unbundled loader uses. */
export function stepFiles() {
  const steps = readdirSync(here).filter((f) => f.endsWith(".steps.ts"));
  return ["hooks.ts", ...steps.sort()];
}

/** The bundle's path, or undefined when it cannot be built or written here. */
export function stepsBundle() {
  return sourceBundle({
    folder: "auth-headers-harness",
    name: "steps",
    roots: [at("../"), at("../../../reference-server/src/")],
    entry: {
      contents: stepFiles()
        .map((f) => `import "./${f}";`)
        .join("\n"),
      resolveDir: here,
      loader: "ts",
      sourcefile: "steps-entry.ts",
    },
  });
}
