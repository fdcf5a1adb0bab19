// Entry point Cucumber imports in every worker. In a checkout it registers tsx
// (workers do not inherit the launcher's in-process registration) and loads the
// TypeScript steps; in the published package, where only this file and dist/
// exist, it loads the compiled steps. It loads the hooks, then every
// `*.steps.*` file of the folder, so a new step file needs no edit here.
import { existsSync, readdirSync } from "node:fs";

const fromSource = existsSync(new URL("./hooks.ts", import.meta.url));
if (fromSource) (await import("tsx/esm/api")).register();
const [dir, ext] = fromSource ? ["./", ".ts"] : ["../../../dist/harness/src/steps/", ".js"];
const here = new URL(dir, import.meta.url);
const steps = readdirSync(here)
  .filter((f) => f.endsWith(`.steps${ext}`))
  .sort();
for (const name of [`hooks${ext}`, ...steps]) await import(new URL(name, here).href);
