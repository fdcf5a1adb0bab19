// executeRun: carries out a plan. Clusters, the start-up probe, Cucumber and
// the reports, with everything the run made undone however it ends.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterSecrets } from "../clusters/secrets.js";
import { SecretRegistry } from "../report/redact.js";
import { writePrivate } from "../report/write.js";
import type { WorldParams } from "../world/params.js";
import { prepareClusters } from "./clusters.js";
import { logSummary } from "./console-summary.js";
import { runScenarios } from "./cucumber.js";
import { EXIT } from "./errors.js";
import { Cleanups } from "./interrupt.js";
import type { RunPlan } from "./plan.js";
import { probeTarget } from "./probe.js";
import { writeRunReports } from "./reports.js";

export async function executeRun(
  plan: RunPlan,
  harnessVersion: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const startedAt = new Date().toISOString();
  const registry = new SecretRegistry();
  log(
    `profile ${plan.profile.name}: ${plan.runnable.length} scenario(s) to run, ${plan.selected.length - plan.runnable.length} skipped for unclaimed capabilities`,
  );
  const runDir = mkdtempSync(join(tmpdir(), "ahc-run-"));
  const secretsFile = join(runDir, "secrets.ndjson");
  writePrivate(secretsFile, "");
  const cleanups = new Cleanups();
  cleanups.watchSignals();
  cleanups.push(async () => rmSync(runDir, { recursive: true, force: true }));
  try {
    const clusters = await prepareClusters(plan.clusters, runDir, cleanups, log);
    for (const info of clusters.infos) for (const secret of clusterSecrets(info)) registry.add(secret);

    const targetLogDir = join(runDir, "targets");
    mkdirSync(targetLogDir, { recursive: true, mode: 0o700 });
    const probe = await probeTarget(plan, targetLogDir, registry, log);
    if (!probe.ok) return probe.exitCode;

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
