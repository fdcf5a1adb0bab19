// Entry point Cucumber imports in every worker. In a checkout it registers tsx
// (workers do not inherit the launcher's in-process registration) and loads the
// TypeScript steps; in the published package, where only this file and dist/
// exist, it loads the compiled steps.
import { existsSync } from "node:fs";

const fromSource = existsSync(new URL("./hooks.ts", import.meta.url));
if (fromSource) (await import("tsx/esm/api")).register();
const [dir, ext] = fromSource ? ["./", ".ts"] : ["../../../dist/harness/src/steps/", ".js"];
for (const name of [
  "hooks",
  "setup.steps",
  "calls.steps",
  "assertions.steps",
  "network.steps",
  "switching.steps",
  "load.steps",
  "fault.steps",
  "fuzz.steps",
  "hostile.steps",
])
  await import(`${dir}${name}${ext}`);
