// Entry point Cucumber imports in every worker. In the published package, where only this
// file and dist/ exist, it loads the compiled steps. In a checkout a worker loads the steps
// from one bundle of the current sources (bundle.mjs); the coordinator, which runs no step
// and shares the CLI's modules, and a serial run in the CLI's process load the TypeScript
// through tsx (workers do not inherit the launcher's in-process registration). It loads the
// hooks, then every `*.steps.*` file of the folder, so a new step file needs no edit here.
import { existsSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const fromSource = existsSync(new URL("./hooks.ts", import.meta.url));
const bundle =
  fromSource && process.env.CUCUMBER_WORKER_ID !== undefined
    ? await (await import("./bundle.mjs")).stepsBundle()
    : undefined;
if (bundle) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  if (fromSource) (await import("tsx/esm/api")).register();
  const [dir, ext] = fromSource ? ["./", ".ts"] : ["../../../dist/harness/src/steps/", ".js"];
  const here = new URL(dir, import.meta.url);
  const steps = readdirSync(here)
    .filter((f) => f.endsWith(`.steps${ext}`))
    .sort();
  for (const name of [`hooks${ext}`, ...steps]) await import(new URL(name, here).href);
}
