// executeRun: carries out a plan. Clusters, the start-up probe, Cucumber and
// the reports, with everything the run made undone however it ends.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neutraliseCommands } from "../cli/workflow-commands.js";
import { clusterSecrets } from "../clusters/secrets.js";
import { SecretRegistry } from "../report/redact.js";
import { writePrivate } from "../report/write.js";
import { createSandbox, removeSandbox, shareSandbox } from "../target/sandbox.js";
import type { WorldParams } from "../world/params.js";
import { prepareClusters } from "./clusters.js";
import { logSummary } from "./console-summary.js";
import { runScenarios } from "./cucumber.js";
import { EXIT } from "./errors.js";
import { Cleanups } from "./interrupt.js";
import type { RunPlan } from "./plan.js";
import { probeTarget } from "./probe.js";
import { writeRunReports } from "./reports.js";
import { claimDir, removeStaleRunDirs } from "./stale.js";

export async function executeRun(
  plan: RunPlan,
  harnessVersion: string,
  print: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  // lines carry provider-chosen text (cause messages): none may act as a workflow command
  const log = (l: string) => print(neutraliseCommands(l));
  const startedAt = new Date().toISOString();
  const registry = new SecretRegistry();
  log(
    `profile ${plan.profile.name}: ${plan.runnable.length} scenario(s) to run, ${plan.selected.length - plan.runnable.length} skipped for unclaimed capabilities`,
  );
  for (const d of removeStaleRunDirs()) log(`removed ${d}, left behind by a run that was killed`);
  const runDir = mkdtempSync(join(tmpdir(), "ahc-run-"));
  claimDir(runDir);
  const secretsFile = join(runDir, "secrets.ndjson");
  writePrivate(secretsFile, "");
  const cleanups = new Cleanups();
  cleanups.watchSignals();
  cleanups.push(async () => rmSync(runDir, { recursive: true, force: true }));
  const sandbox = createSandbox();
  shareSandbox(sandbox); // inherited by Cucumber workers: no secret in it
  cleanups.push(async () => removeSandbox(sandbox));
  try {
    // the target first: an unknown flag or a missing binary fails in a second, not after cluster start-up
    const targetLogDir = join(runDir, "targets");
    mkdirSync(targetLogDir, { recursive: true, mode: 0o700 });
    const probe = await probeTarget(plan, targetLogDir, registry, log);
    if (!probe.ok) return probe.exitCode;

    const clusters = await prepareClusters(plan.clusters, runDir, cleanups, log);
    for (const info of clusters.infos) for (const secret of clusterSecrets(info)) registry.add(secret);

    const outDir = join(runDir, "out");
    const params: WorldParams = {
      clustersFile: clusters.file,
      profile: plan.profile,
      targetUrl: plan.target.url,
      canStart: plan.target.canStart,
      commandOverride: plan.target.commandOverride,
      targetLogDir,
      secretsFile,
      runDir,
    };
    const messagesFile = await runScenarios(plan, params, outDir);

    registry.loadFile(secretsFile);
    const verdict = await writeRunReports(
      plan,
      { harnessVersion, startedAt, command: probe.command, messagesFile, outDir, targetLogDir },
      registry,
      log,
    );
    logSummary(verdict, registry, plan.reportDir, log);
    return verdict.outcome === "NOT CONFORMANT" ? EXIT.fail : EXIT.pass;
  } finally {
    await cleanups.release();
  }
}
