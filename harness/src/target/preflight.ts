// The target command is tried once before any cluster starts: an unknown flag
// or a missing binary then fails in a second (exit 3, with the provider's own
// words) instead of after cluster start-up. The provider gets no kubeconfig
// and no cluster: only `initialize` is sent.
import { join } from "node:path";
import type { Profile } from "../profile/schema.js";
import { startWithFreshPort } from "./instances.js";
import { probeMcp, startTarget, TargetStartError } from "./process.js";

export type Preflight = { ok: true; ms: number } | { ok: false; message: string; output: string };

export async function preflightTarget(
  profile: Profile,
  commandOverride: string | undefined,
  logDir: string,
): Promise<Preflight> {
  const t0 = Date.now();
  let target: Awaited<ReturnType<typeof startTarget>>;
  try {
    target = await startWithFreshPort(() =>
      startTarget(profile, {
        logFile: join(logDir, "preflight.log"),
        env: { KUBECONFIG: undefined },
        commandOverride,
      }),
    );
  } catch (e) {
    if (e instanceof TargetStartError)
      return { ok: false, message: `${e.message} (checked before starting clusters)`, output: e.output };
    throw e;
  }
  const problem = await probeMcp(target.url);
  await target.stop();
  if (problem)
    return {
      ok: false,
      message: `target at ${target.url} does not answer MCP: ${problem} (checked before starting clusters)`,
      output: target.output(),
    };
  return { ok: true, ms: Date.now() - t0 };
}
