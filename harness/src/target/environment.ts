// The environment the provider under test starts with: an allowlist, never the
// harness's own. The harness's environment holds what the provider must not
// reach (the CI job's GITHUB_STEP_SUMMARY / GITHUB_OUTPUT, tokens, KUBECONFIG,
// cloud credentials, the harness's AHC_* settings); a provider gets the few
// variables a program needs to run, what its profile sets, and what a scenario
// plants (the ambient-credentials bait).
import { INSTANCE_MARKER, type ProviderSandbox, providerSandbox } from "./sandbox.js";

export { INSTANCE_MARKER };

/** Variables passed through from the harness's environment, by exact name. */
export const PASSED_THROUGH = ["PATH", "LANG", "LANGUAGE", "TZ", "TERM"] as const;
/** …and by prefix (locale categories). */
const PASSED_PREFIX = /^LC_[A-Z]+$/;

export interface ProviderEnvOptions {
  /** The profile's `target.env` (values it sets) and `target.passEnv` (names passed through). */
  target?: { env?: Record<string, string>; passEnv?: string[] };
  /** What a scenario plants (KUBECONFIG / HOME bait); `undefined` removes a variable. */
  scenarioEnv?: Record<string, string | undefined>;
  /** The harness's environment (tests pass their own). */
  ambient?: NodeJS.ProcessEnv;
  sandbox?: ProviderSandbox;
  /** Value of INSTANCE_MARKER; omitted, none is set. */
  marker?: string;
}

/** Names a profile may not pass through: the harness's own settings and the CI job's files and tokens. */
export const NEVER_PASSED = /^(AHC_|GITHUB_|ACTIONS_|RUNNER_)|^KUBECONFIG$/;

export function providerEnvironment(opts: ProviderEnvOptions = {}): Record<string, string> {
  const ambient = opts.ambient ?? process.env;
  const sandbox = opts.sandbox ?? providerSandbox();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ambient)) {
    if (v === undefined) continue;
    if (
      (PASSED_THROUGH as readonly string[]).includes(k) ||
      PASSED_PREFIX.test(k) ||
      opts.target?.passEnv?.includes(k)
    )
      env[k] = v;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  // Its own HOME and TMPDIR: caches (tsx, Go, npm) land where it may write, not in the harness's.
  env.HOME = sandbox.home;
  env.TMPDIR = sandbox.tmp;
  for (const [k, v] of Object.entries(opts.target?.env ?? {})) env[k] = v;
  for (const [k, v] of Object.entries(opts.scenarioEnv ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (opts.marker) env[INSTANCE_MARKER] = opts.marker;
  return env;
}
