// `run`: start clusters and the target, run Cucumber, write the reports.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { loadConfiguration, runCucumber } from "@cucumber/cucumber/api";
import { SPEC_VERSION } from "../../../reference-server/src/wire/constants.js";
import { readClusterFile } from "../clusters/file.js";
import type { ClusterInfo } from "../clusters/types.js";
import { loadProfile, type Profile, ProfileError, unclaimed } from "../profile/schema.js";
import { type ExpectedFailure, loadExpectedFailures } from "../report/expected-failures.js";
import { parseNdjson, scenarioResults } from "../report/messages.js";
import { redactAll, SecretRegistry } from "../report/redact.js";
import { computeVerdict } from "../report/verdict.js";
import { copyScrubbed, writePrivate, writeReports } from "../report/write.js";
import { loadScenarios, mappingProblems, mapRequirements, selectScenarios } from "../spec/features.js";
import { loadRequirements, REPO_ROOT } from "../spec/requirements.js";
import type { WorldParams } from "../world/params.js";
import { probeMcp, type RunningTarget, startTarget, TargetStartError } from "./target.js";

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
  backend: "auto" | "local" | "k3s";
  tags?: string;
  expectedFailures?: string;
  reportDir: string;
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
  let selected: ReturnType<typeof selectScenarios>;
  try {
    selected = selectScenarios(all, opts.tags);
  } catch (e) {
    throw new ConfigError(`invalid --tags: ${(e as Error).message}`);
  }
  const runnable = selected.filter((s) => unclaimed(s.tags, profile.capabilities).length === 0);
  if (runnable.length === 0) {
    throw new ConfigError(
      selected.length === 0
        ? "no scenario matches the tags"
        : `no scenario selected: all ${selected.length} matching scenario(s) need capabilities the profile does not claim`,
      "check --tags and the profile's capabilities; `auth-headers-conformance list` shows the scenarios",
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
      const running = await startClusters({ count: 3, backend: opts.backend, log });
      cleanups.push(() => running.stop());
      infos = running.clusters;
      clustersFile = join(runDir, "clusters.json");
      writePrivate(clustersFile, JSON.stringify(infos));
      log(`clusters ready in ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    process.env.AHC_CLUSTERS_FILE = clustersFile; // inherited by Cucumber workers
    for (const i of infos) {
      registry.add(i.admin.keyPem);
      registry.add(i.admin.certPem);
      registry.add(i.clientCa.keyPem);
      registry.add(i.serviceAccount.signingKeyPem);
    }

    // ---- target ----
    let target: RunningTarget | undefined;
    let targetUrl = opts.targetUrl;
    const targetLogFile = join(runDir, "target.log");
    if (!targetUrl) {
      log(`starting target (profile ${profile.name})…`);
      try {
        target = await startTarget(profile, { logFile: targetLogFile, env: { KUBECONFIG: undefined } });
      } catch (e) {
        if (e instanceof TargetStartError) return targetFailure(e.message, e.output, registry);
        throw e;
      }
      const t = target;
      cleanups.push(() => t.stop());
      targetUrl = target.url;
    }
    const probe = await probeMcp(targetUrl);
    if (probe)
      return targetFailure(
        `target at ${targetUrl} does not answer MCP: ${probe}`,
        target?.output() ?? "",
        registry,
      );
    log(`target answers MCP at ${targetUrl}${target ? ` (${redactAll(target.command, registry)})` : ""}`);

    // ---- cucumber ----
    const outDir = join(runDir, "out");
    const params: WorldParams = {
      clustersFile,
      profile,
      targetUrl,
      canStart: !opts.targetUrl && !!profile.target.command,
      commandOverride: opts.targetCmd,
      targetLogFile: target ? targetLogFile : undefined,
      secretsFile,
      runDir,
    };
    const { runConfiguration } = await loadConfiguration(
      {
        file: false,
        provided: {
          paths: ["features/**/*.feature"],
          import: ["harness/src/steps/load.mjs"],
          tags: opts.tags ?? "",
          strict: true,
          parallel: opts.parallel,
          format: [
            "progress",
            `message:${join(outDir, "messages.ndjson")}`,
            `html:${join(outDir, "cucumber.html")}`,
            `junit:${join(outDir, "junit.xml")}`,
          ],
          formatOptions: { junit: { suiteName: `auth-headers-conformance ${profile.name}` } },
          worldParameters: params as never,
        },
      },
      { cwd: REPO_ROOT },
    );
    const { mkdirSync } = await import("node:fs");
    mkdirSync(outDir, { recursive: true });
    await runCucumber(runConfiguration, { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr });

    // ---- verdict ----
    registry.loadFile(secretsFile);
    const envelopes = parseNdjson(readFileSync(join(outDir, "messages.ndjson"), "utf8"));
    const results = scenarioResults(envelopes);
    const verdict = computeVerdict(results, requirements, expected, all);
    const reportDir = resolve(opts.reportDir);
    copyScrubbed(["messages.ndjson", "cucumber.html", "junit.xml"], outDir, reportDir, registry);
    writeReports(
      reportDir,
      {
        harness: { name: "auth-headers-conformance", version: HARNESS_VERSION, specVersion: SPEC_VERSION },
        target: {
          profile: profile.name,
          command: opts.targetUrl ? undefined : (target?.command ?? profile.target.command),
          url: targetUrl,
          capabilities: profile.capabilities,
        },
        startedAt,
        finishedAt: new Date().toISOString(),
        tags: opts.tags,
        verdict,
      },
      registry,
    );
    const c = verdict.counts;
    log(
      `\n${verdict.conformant ? "CONFORMANT" : "NOT CONFORMANT"}: ${c.pass} passed, ${c.fail} failed, ${c.warning} warnings, ${c["expected-failure"]} expected failures, ${c.skipped} skipped`,
    );
    for (const p of verdict.problems.slice(0, 30)) log(`  - ${redactAll(p, registry)}`);
    log(`reports in ${reportDir}`);
    return verdict.conformant ? EXIT.pass : EXIT.fail;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanup();
  }
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
