#!/usr/bin/env node
// Launcher: compiled JavaScript (dist/) in the published package; in a checkout the
// TypeScript sources, from a bundle of them as they are now (launch.js).
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
if (existsSync(source)) {
  const { launch, SERVERS } = await import("./launch.js");
  await launch(SERVERS.main.entry, SERVERS.main.roots);
} else {
  await import("../../dist/reference-server/src/main.js");
}
