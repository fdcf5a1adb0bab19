#!/usr/bin/env node
// Launcher. The published package carries compiled JavaScript (dist/) and no
// TypeScript sources; a checkout has the sources and runs them through tsx, so
// the dev flow needs no build and never runs a stale dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let cli;
if (existsSync(source)) {
  (await import("tsx/esm/api")).register();
  cli = await import(source.href);
} else {
  cli = await import("../../dist/harness/src/cli/main.js");
}
await cli.main();
