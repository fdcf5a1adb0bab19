#!/usr/bin/env node
// auth-headers-conformance: one file per subcommand under commands/, each
// registering itself on the program. Command modules import their heavy
// dependencies when they run, so `--help` stays fast.
import { Command } from "commander";
import { PACKAGE_VERSION } from "../package-root.js";
import { registerClustersCommand } from "./commands/clusters.js";
import { registerCompare } from "./commands/compare.js";
import { registerControlPlaneCommand } from "./commands/controlplane.js";
import { registerList } from "./commands/list.js";
import { registerRun } from "./commands/run.js";
import { registerValidateProfile } from "./commands/validate-profile.js";
import { exitQuietlyOnClosedStdout } from "./stdout.js";

export function buildProgram(): Command {
  const program = new Command("auth-headers-conformance")
    .description("Conformance suite for auth-headers provider MCP servers (Kubernetes)")
    .version(PACKAGE_VERSION);
  program.exitOverride();
  for (const register of [
    registerRun,
    registerList,
    registerValidateProfile,
    registerClustersCommand,
    registerControlPlaneCommand,
    registerCompare,
  ])
    register(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  exitQuietlyOnClosedStdout();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.exitCode === "number" && err.code?.startsWith("commander.")) {
      process.exitCode = err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
      return;
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) {
  void main();
}
