// planRun: everything a run will do, decided before anything starts (the
// profile, the scenarios selected and skipped, where the clusters come from,
// where reports go). It reads the profile, spec, features and expected-
// failures files and changes nothing, so every refusal of a bad option comes
// before a cluster or a provider is started.
import { lstatSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { BackendChoice } from "../clusters/types.js";
import { loadProfile, type Profile, ProfileError, unclaimed } from "../profile/schema.js";
import type { BaselineLevel } from "../report/baseline.js";
import { type ExpectedFailure, loadExpectedFailures } from "../report/expected-failures.js";
import { checkReportDir, ReportDirError } from "../report/report-dir.js";
import {
  loadScenarios,
  mappingProblems,
  mapRequirements,
  type PlannedScenario,
  selectByScenarioGlob,
  selectScenarios,
} from "../spec/features.js";
import { loadRequirements, REPO_ROOT, type Requirement } from "../spec/requirements.js";
import { ConfigError } from "./errors.js";

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
  /** Entries of --write-baseline: one per failing check (default) or per failing requirement. */
  baselineLevel?: BaselineLevel;
  parallel: number;
  clustersFile?: string;
  log?: (line: string) => void;
}

/** Where the run's clusters come from. */
export type ClusterSource =
  | { kind: "file"; file: string }
  | { kind: "start"; backend: BackendChoice; kubeconfig?: { file: string; contexts: string[] } };

export interface RunPlan {
  profile: Profile;
  requirements: Requirement[];
  /** Every scenario of the features (the verdict maps requirements over all of them). */
  scenarios: PlannedScenario[];
  /** Selected by --tags/--scenario. */
  selected: PlannedScenario[];
  /** Selected and runnable with the profile's capabilities. */
  runnable: PlannedScenario[];
  expected: ExpectedFailure[];
  clusters: ClusterSource;
  /** The provider: started by the harness from the profile (command override), or reached by URL. */
  target: { url?: string; commandOverride?: string; canStart: boolean };
  cucumber: { paths: string[]; tags: string; parallel: number; html: boolean };
  reportDir: string;
  writeBaseline?: string;
  baselineLevel?: BaselineLevel;
  tags?: string;
  scenarioGlob?: string;
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

export function planRun(opts: RunOptions): RunPlan {
  const profile = resolveProfile(opts);
  const requirements = loadRequirements();
  const scenarios = loadScenarios();
  const problems = mappingProblems(mapRequirements(requirements, scenarios));
  if (problems.length)
    throw new ConfigError(`features do not match docs/spec.md:\n  ${problems.join("\n  ")}`);
  let selected: PlannedScenario[];
  try {
    selected = selectScenarios(scenarios, opts.tags);
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
  // where the reports go is checked now, not after the suite ran
  try {
    checkReportDir(resolve(opts.reportDir));
    if (
      opts.writeBaseline &&
      lstatSync(resolve(opts.writeBaseline), { throwIfNoEntry: false })?.isSymbolicLink()
    )
      throw new ReportDirError(
        `--write-baseline ${opts.writeBaseline} is a symbolic link; the harness does not write through links`,
      );
  } catch (e) {
    if (e instanceof ReportDirError) throw new ConfigError(e.message);
    throw e;
  }
  return {
    profile,
    requirements,
    scenarios,
    selected,
    runnable,
    expected,
    clusters: opts.clustersFile
      ? { kind: "file", file: resolve(opts.clustersFile) }
      : { kind: "start", backend: opts.backend, kubeconfig: opts.kubeconfig },
    target: {
      url: opts.targetUrl,
      commandOverride: opts.targetCmd,
      canStart: !opts.targetUrl && (!!profile.target.command || !!opts.targetCmd),
    },
    cucumber: {
      paths: opts.scenario ? runnable.map((x) => `${x.uri}:${x.line}`) : ["features/**/*.feature"],
      tags: opts.tags ?? "",
      parallel: opts.parallel,
      html: opts.cucumberHtml === true,
    },
    reportDir: resolve(opts.reportDir),
    writeBaseline: opts.writeBaseline ? resolve(opts.writeBaseline) : undefined,
    baselineLevel: opts.baselineLevel,
    tags: opts.tags,
    scenarioGlob: opts.scenario,
  };
}
