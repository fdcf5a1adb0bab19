// The start-up probe: the runner starts the target once to see that it
// answers MCP (exit 3 otherwise, with its redacted output); each Cucumber
// worker then starts its own instance, so a crash is pinned on the scenario
// its worker was running.
import { join } from "node:path";
import { neutraliseCommands } from "../cli/workflow-commands.js";
import { redactAll, type SecretRegistry } from "../report/redact.js";
import { startWithFreshPort } from "../target/instances.js";
import { probeMcp, type RunningTarget, startTarget, TargetStartError } from "../target/process.js";
import { EXIT } from "./errors.js";
import type { RunPlan } from "./plan.js";

export type ProbeResult = { ok: true; command?: string } | { ok: false; exitCode: number };

export async function probeTarget(
  plan: RunPlan,
  targetLogDir: string,
  registry: SecretRegistry,
  log: (line: string) => void,
): Promise<ProbeResult> {
  let url = plan.target.url;
  let started: RunningTarget | undefined;
  if (!url) {
    log(`starting target (profile ${plan.profile.name})…`);
    try {
      started = await startWithFreshPort(() =>
        startTarget(plan.profile, {
          logFile: join(targetLogDir, "probe.log"),
          env: { KUBECONFIG: undefined },
          commandOverride: plan.target.commandOverride,
        }),
      );
    } catch (e) {
      if (e instanceof TargetStartError)
        return {
          ok: false,
          exitCode: targetFailure(`${e.message} (checked before starting clusters)`, e.output, registry),
        };
      throw e;
    }
    url = started.url;
  }
  const problem = await probeMcp(url);
  const command = started?.command;
  await started?.stop();
  if (problem)
    return {
      ok: false,
      exitCode: targetFailure(
        `target at ${url} does not answer MCP: ${problem}`,
        started?.output() ?? "",
        registry,
      ),
    };
  log(`target answers MCP at ${url}${command ? ` (${redactAll(command, registry)})` : ""}`);
  return { ok: true, command };
}

function targetFailure(message: string, output: string, registry: SecretRegistry): number {
  process.stderr.write(`error: ${message}\n`);
  const lines = redactAll(output, registry).split("\n");
  const shown =
    lines.length > 50
      ? [...lines.slice(0, 20), `… (${lines.length - 45} lines) …`, ...lines.slice(-25)]
      : lines;
  process.stderr.write(
    `--- target output (redacted) ---\n${neutraliseCommands(shown.map((l) => `| ${l}`).join("\n"))}\n---\n`,
  );
  return EXIT.target;
}
