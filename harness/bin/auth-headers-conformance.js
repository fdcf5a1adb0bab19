#!/usr/bin/env node
// Launcher: registers tsx so the TypeScript sources run as they are, then
// starts the CLI.
import { register } from "tsx/esm/api";

register();
process.env.AHC_CLI_MAIN = "1";
await import("../src/cli/main.ts");
