#!/usr/bin/env node
// Launcher: compiled JavaScript (dist/) in the published package, the
// TypeScript sources through tsx in a checkout (no build step, no stale dist/).
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
if (existsSync(source)) {
  (await import("tsx/esm/api")).register();
  await import(source.href);
} else {
  await import("../../dist/reference-server/src/main.js");
}
