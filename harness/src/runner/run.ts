// `run`: start clusters and the target, run Cucumber, write the reports.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { loadConfiguration, runCucumber } from "@cucumber/cucumber/api";
import { readClusterFile } from "../clusters/file.js";
import { clusterSecrets } from "../clusters/secrets.js";
import type { BackendChoice, ClusterInfo } from "../clusters/types.js";
import { loadProfile, type Profile, ProfileError, unclaimed } from "../profile/schema.js";
import { type BaselineLevel, writeBaseline } from "../report/baseline.js";
import { type ExpectedFailure, loadExpectedFailures } from "../report/expected-failures.js";
import { writeJunit } from "../report/junit.js";
import { parseNdjson, scenarioResults } from "../report/messages.js";
import { redactAll, SecretRegistry } from "../report/redact.js";
import { computeVerdict } from "../report/verdict.js";
import { copyScrubbed, writePrivate, writeReports } from "../report/write.js";
import {
  loadScenarios,
  mappingProblems,
  mapRequirements,
  type PlannedScenario,
  selectByScenarioGlob,
  selectScenarios,
} from "../spec/features.js";
import { loadRequirements, loadSpecVersion, REPO_ROOT } from "../spec/requirements.js";
import { startWithFreshPort } from "../target/instances.js";
import { preflightTarget } from "../target/preflight.js";
import { probeMcp, type RunningTarget, startTarget, TargetStartError } from "../target/process.js";
import type { WorldParams } from "../world/params.js";

export const HARNESS_VERSION = "0.1.0";

export const EXIT = { pass: 0, fail: 1, config: 2, target: 3 } as const;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  target?: string;
  targetCmd?: string;
  targetUrl?: string;
  profile?: string;
  backend: BackendChoice;
  /** --kubeconfig FILE --contexts a,b,c: existing clusters (backend kubeconfig). */
  kubeconfig?: { file: string; contexts: string[] };
  tags?: string;
  /** Glob over scenario ids (`meta/*`, `*duplicate*`); combinable with tags. */
  scenario?: string;
  expectedFailures?: string;
  /** Write the current failures as an expected-failures file. */
  writeBaseline?: string;
  /** Also write Cucumber's own HTML report (it knows nothing of checks and expected failures). */
  cucumberHtml?: boolean;
  reportDir: string;
  baselineLevel?: BaselineLevel;
  parallel: number;
  clustersFile?: string;
  log?: (line: string) => void;
}

export function resolveProfile(
  opts: Pick<RunOptions, "target" | "profile" | "targetCmd" | "targetUrl">,
): Profile {
  const given = [opts.target, opts.targetCmd, opts.targetUrl].filter(Boolean).length;
  if (given > 1) throw new ConfigError("choose one of --target, --target-cmd and --target-url");
  if (given === 0 && !opts.profile) {
    throw new ConfigError(
      "no target",
      "use --target reference, --target-cmd 'CMD {port}', --target-url URL or --profile FILE",
    );
  }
  let profile: Profile;
  if (opts.profile) profile = loadProfile(resolve(opts.profile));
  else if (opts.target) {
    const p = isAbsolute(opts.target)
      ? opts.target
      : join(REPO_ROOT, "harness/profiles", `${opts.target}.yaml`);
    try {
      profile = loadProfile(p);
    } catch (e) {
      if (e instanceof ProfileError && /cannot read/.test(e.message)) {
        throw new ConfigError(
          `unknown target "${opts.target}"`,
          "known targets are the files in harness/profiles/",
        );
      }
      throw e;
    }
  } else profile = loadProfile(join(REPO_ROOT, "harness/profiles/default.yaml"));
  // The profile's cwd is the user's, relative to where they run the harness;
  // a built-in profile's commands name files of this package.
  const builtIn = !opts.profile && !!opts.target && !isAbsolute(opts.target);
  const cwd = resolve(builtIn ? REPO_ROOT : process.cwd(), profile.target.cwd);
  profile = { ...profile, target: { ...profile.target, cwd } };
  if (opts.targetCmd) {
    if (!opts.targetCmd.includes("{port}")) throw new ConfigError("--target-cmd must contain {port}");
    profile = { ...profile, target: { ...profile.target, command: opts.targetCmd } };
  }
  return profile;
}

export async function run(opts: RunOptions): Promise<number> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const startedAt = new Date().toISOString();
  const registry = new SecretRegistry();

  // ---- configuration ----
  const profile = resolveProfile(opts);
  const requirements = loadRequirements();
  const all = loadScenarios();
  const problems = mappingProblems(mapRequirements(requirements, all));
  if (problems.length)
    throw new ConfigError(`features do not match docs/spec.md:\n  ${problems.join("\n  ")}`);
  let selected: PlannedScenario[];
  try {
    selected = selectScenarios(all, opts.tags);
  } catch (e) {
    throw new ConfigError(`invalid --tags: ${(e as Error).message}`);
  }
  if (opts.scenario) selected = selectByScenarioGlob(selected, opts.scenario);
  const runnable = selected.filter((s) => unclaimed(s.tags, profile.capabilities).length === 0);
  if (runnable.length === 0) {
    throw new ConfigError(
      selected.length === 0
        ? "no scenario matches the selection"
        : `no scenario selected: all ${selected.length} matching scenario(s) need capabilities the profile does not claim`,
      "check --tags, --scenario and the profile's capabilities; `auth-headers-conformance list` shows the scenarios",
    );
  }
  let expected: ExpectedFailure[] = [];
  if (opts.expectedFailures) {
    try {
      expected = loadExpectedFailures(resolve(opts.expectedFailures));
    } catch (e) {
      throw new ConfigError(`cannot use --expected-failures: ${(e as Error).message}`);
    }
  }
  log(
    `profile ${profile.name}: ${runnable.length} scenario(s) to run, ${selected.length - runnable.length} skipped for unclaimed capabilities`,
  );

  const runDir = mkdtempSync(join(tmpdir(), "ahc-run-"));
  const secretsFile = join(runDir, "secrets.ndjson");
  writePrivate(secretsFile, "");
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  cleanups.push(async () => rmSync(runDir, { recursive: true, force: true }));

  try {
    const pre = opts.targetUrl ? undefined : await preflightTarget(profile, opts.targetCmd, runDir);
    if (pre && !pre.ok) return targetFailure(pre.message, pre.output, registry);
    // ---- clusters ----
    let clustersFile = opts.clustersFile ? resolve(opts.clustersFile) : undefined;
    let infos: ClusterInfo[];
    if (clustersFile) {
      infos = readClusterFile(clustersFile);
      if (infos.length < 3)
        throw new ConfigError(`${clustersFile} lists ${infos.length} cluster(s); 3 are needed`);
    } else {
      const { startClusters } = await import("../clusters/index.js");
      log(`starting 3 clusters (backend ${opts.backend})…`);
      const t0 = Date.now();
      const running = await startClusters({
        count: 3,
        backend: opts.backend,
        kubeconfig: opts.kubeconfig,
        log,
      });
      cleanups.push(() => running.stop());
      infos = running.clusters;
      clustersFile = join(runDir, "clusters.json");
      writePrivate(clustersFile, JSON.stringify(infos));
      log(`clusters ready in ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    process.env.AHC_CLUSTERS_FILE = clustersFile; // inherited by Cucumber workers
    for (const i of infos) {
      for (const secret of clusterSecrets(i)) registry.add(secret);
    }

    // ---- target ----
    // The runner starts the target once to see that it answers MCP (exit 3
    // otherwise, with its output); each Cucumber worker then starts its own
    // instance, so a crash is pinned on the scenario its worker was running.
    const targetLogDir = join(runDir, "targets");
    mkdirSync(targetLogDir, { recursive: true, mode: 0o700 });
    let probeUrl = opts.targetUrl;
    let probeTarget: RunningTarget | undefined;
    if (!probeUrl) {
      log(`starting target (profile ${profile.name})…`);
      try {
        probeTarget = await startWithFreshPort(() =>
          startTarget(profile, {
            logFile: join(targetLogDir, "probe.log"),
            env: { KUBECONFIG: undefined },
            commandOverride: opts.targetCmd,
          }),
        );
      } catch (e) {
        if (e instanceof TargetStartError) return targetFailure(e.message, e.output, registry);
        throw e;
      }
      probeUrl = probeTarget.url;
    }
    const probe = await probeMcp(probeUrl);
    const command = probeTarget?.command;
    await probeTarget?.stop();
    if (probe)
      return targetFailure(
        `target at ${probeUrl} does not answer MCP: ${probe}`,
        probeTarget?.output() ?? "",
        registry,
      );
    log(`target answers MCP at ${probeUrl}${command ? ` (${redactAll(command, registry)})` : ""}`);

    // ---- cucumber ----
    const outDir = join(runDir, "out");
    const params: WorldParams = {
      clustersFile,
      profile,
      targetUrl: opts.targetUrl,
      canStart: !opts.targetUrl && (!!profile.target.command || !!opts.targetCmd),
      commandOverride: opts.targetCmd,
      targetLogDir,
      secretsFile,
      runDir,
    };
    const { runConfiguration } = await loadConfiguration(
      {
        file: false,
        provided: {
          paths: opts.scenario ? runnable.map((x) => `${x.uri}:${x.line}`) : ["features/**/*.feature"],
          import: ["harness/src/steps/load.mjs"],
          tags: opts.tags ?? "",
          strict: true,
          parallel: opts.parallel,
          format: [
            "progress",
            `message:${join(outDir, "messages.ndjson")}`,
            ...(opts.cucumberHtml ? [`html:${join(outDir, "cucumber.html")}`] : []),
          ],
          worldParameters: params as never,
        },
      },
      { cwd: REPO_ROOT },
    );
    mkdirSync(outDir, { recursive: true });
    await runCucumber(runConfiguration, { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr });

    // ---- verdict ----
    registry.loadFile(secretsFile);
    const envelopes = parseNdjson(readFileSync(join(outDir, "messages.ndjson"), "utf8"));
    const results = scenarioResults(envelopes);
    const verdict = computeVerdict(results, requirements, expected, all);
    const reportDir = resolve(opts.reportDir);
    copyScrubbed(["messages.ndjson", "cucumber.html"], outDir, reportDir, registry);
    copyTargetLogs(targetLogDir, join(reportDir, "target-logs"), registry);
    const doc = {
      harness: { name: "auth-headers-conformance", version: HARNESS_VERSION, specVersion: loadSpecVersion() },
      target: {
        profile: profile.name,
        command: opts.targetUrl ? undefined : (command ?? profile.target.command),
        url: opts.targetUrl,
        capabilities: profile.capabilities,
      },
      startedAt,
      finishedAt: new Date().toISOString(),
      tags: opts.tags,
      scenarioGlob: opts.scenario,
      verdict,
    };
    writeReports(reportDir, doc, registry);
    writeJunit(join(reportDir, "junit.xml"), doc, registry);
    (await import("../report/page/write.js")).writeReportPage(reportDir, doc, registry);
    if (opts.writeBaseline) {
      const n = writeBaseline(resolve(opts.writeBaseline), verdict, registry, opts.baselineLevel);
      log(`baseline of ${n} expected failure(s) written to ${resolve(opts.writeBaseline)}`);
    }
    const c = verdict.counts;
    log(
      `\n${verdict.outcome}: ${c.pass} passed, ${c.fail} failed, ${c.warning} warnings, ${c["expected-failure"]} expected failures, ${c.partial} partial, ${c.untestable} untestable, ${c.skipped} skipped`,
    );
    if (verdict.causes.length) log(`causes (${verdict.causes.length}):`);
    for (const cause of verdict.causes.slice(0, 15))
      log(
        `  - ${cause.scenarios.length} scenario(s): ${redactAll(cause.message, registry)} — ${cause.requirements.join(", ")}${cause.level === "SHOULD" ? " (SHOULD)" : ""}`,
      );
    for (const p of verdict.problems.filter((p) => /^(stale|expected|no scenario)/.test(p)))
      log(`  - ${redactAll(p, registry)}`);
    if (verdict.outcome === "PARTIAL")
      for (const g of verdict.gaps.slice(0, 10)) log(`  - not fully judged: ${redactAll(g, registry)}`);
    log(`reports in ${reportDir}`);
    return verdict.outcome === "NOT CONFORMANT" ? EXIT.fail : EXIT.pass;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanup();
  }
}

/** The output of every instance of the target, redacted, next to the reports. */
function copyTargetLogs(from: string, to: string, registry: SecretRegistry): void {
  if (!existsSync(from)) return;
  const files = readdirSync(from).filter((f) => f.endsWith(".log"));
  if (files.length === 0) return;
  copyScrubbed(files, from, to, registry);
}

function targetFailure(message: string, output: string, registry: SecretRegistry): number {
  process.stderr.write(`error: ${message}\n`);
  const lines = redactAll(output, registry).split("\n");
  const shown =
    lines.length > 50
      ? [...lines.slice(0, 20), `… (${lines.length - 45} lines) …`, ...lines.slice(-25)]
      : lines;
  process.stderr.write(`--- target output (redacted) ---\n${shown.join("\n")}\n---\n`);
  return EXIT.target;
}
