#!/usr/bin/env node
// auth-headers-conformance: one file per subcommand under commands/, each
// registering itself on the program.
import { Command } from "commander";
import { registerClustersCommand } from "./commands/clusters.js";
import { registerControlPlaneCommand } from "./commands/controlplane.js";
import { registerList } from "./commands/list.js";
import { registerRun } from "./commands/run.js";
import { registerValidateProfile } from "./commands/validate-profile.js";

export function buildProgram(): Command {
  const program = new Command("auth-headers-conformance")
    .description("Conformance suite for auth-headers provider MCP servers (Kubernetes)")
    .version("0.1.0");
  program.exitOverride();
  for (const register of [
    registerRun,
    registerList,
    registerValidateProfile,
    registerClustersCommand,
    registerControlPlaneCommand,
  ])
    register(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.exitCode === "number" && err.code?.startsWith("commander.")) {
      process.exitCode = err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
      return;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly || process.env.AHC_CLI_MAIN === "1") {
  void main();
}
