// Starting clusters: pick a backend, start N clusters in parallel, apply the
// fixtures, and hand back plain ClusterInfo plus one stop() that always
// cleans up (also when a start fails half-way).
import { attach } from "./cluster.js";
import { applyFixtures } from "./fixtures.js";
import { dockerUnavailableReason, isMissingModule, K3S_PACKAGES_HINT } from "./k3s/docker.js";
import { KubeconfigError } from "./kubeconfig/contexts.js";
import { ensureControlPlane } from "./local/build.js";
import { type LocalProcess, type StartLocalOptions, startLocal, stopLocal } from "./local/start.js";
import type { BackendChoice, BackendName, ClusterInfo } from "./types.js";

export { AbilityUnavailableError, requireAbility, whyUnavailable } from "./abilities.js";
export { attach, Cluster } from "./cluster.js";
export { KubeconfigError } from "./kubeconfig/contexts.js";
export { RUN_LABEL } from "./names.js";
export type * from "./types.js";

export interface RunningClusters {
  backend: BackendName;
  clusters: ClusterInfo[];
  stop(): Promise<void>;
}

export interface StartOptions {
  count: number;
  backend?: BackendChoice;
  /** Cluster names; default cluster-a, cluster-b, … (the kubeconfig backend uses the context names). */
  names?: string[];
  /** local backend: start the API servers without an audit log. */
  auditLog?: boolean;
  /** kubeconfig backend: the user's kubeconfig and one context per cluster (exactly `count`). */
  kubeconfig?: { file: string; contexts: string[] };
  log?: (line: string) => void;
}

export class BackendUnavailableError extends Error {}

export async function resolveBackend(choice: BackendChoice = "auto"): Promise<BackendName> {
  if (choice === "local" || choice === "kubeconfig") return choice;
  const reason = await dockerUnavailableReason();
  if (choice === "k3s") {
    if (reason) throw new BackendUnavailableError(`the k3s backend needs Docker: ${reason}`);
    return "k3s";
  }
  return reason ? "local" : "k3s";
}

export const defaultNames = (n: number) =>
  Array.from({ length: n }, (_, i) => `cluster-${String.fromCharCode(97 + i)}`);

export async function startClusters(opts: StartOptions): Promise<RunningClusters> {
  const log = opts.log ?? (() => {});
  const backend = await resolveBackend(opts.backend);
  if (backend === "kubeconfig") {
    if (!opts.kubeconfig)
      throw new KubeconfigError("--backend kubeconfig needs --kubeconfig FILE and --contexts a,b,c");
    const { connectExisting } = await import("./kubeconfig/start.js");
    const connected = await connectExisting({ ...opts.kubeconfig, count: opts.count, log });
    log(
      `${connected.clusters.length} existing cluster(s) prepared: ${connected.clusters.map((c) => `${c.name} ${c.server}`).join(", ")}`,
    );
    return { backend, clusters: connected.clusters, stop: connected.stop };
  }
  const names = opts.names ?? defaultNames(opts.count);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.splice(0).map((s) => s()));
  };
  try {
    let infos: ClusterInfo[];
    if (backend === "local") {
      const bin = await ensureControlPlane(log);
      infos = await Promise.all(
        names.map(async (name) => {
          const p = await startWithRetry(bin, name, { auditLog: opts.auditLog });
          stops.push(() => stopLocal(p));
          return p.info;
        }),
      );
    } else {
      const { startK3s, stopK3s } = await import("./k3s/start.js").catch((e: unknown) => {
        throw isMissingModule(e) ? new Error(K3S_PACKAGES_HINT) : e;
      });
      infos = await Promise.all(
        names.map(async (name) => {
          const p = await startK3s(name);
          stops.push(() => stopK3s(p));
          return p.info;
        }),
      );
    }
    const ready = await Promise.all(infos.map((i) => applyFixtures(i)));
    log(
      `${ready.length} ${backend} cluster(s) ready: ${ready.map((c) => `${c.name} ${c.server}`).join(", ")}`,
    );
    return { backend, clusters: ready, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// A free port can be taken between etcd's probe and its bind; one retry
// makes that rare race invisible.
async function startWithRetry(
  bin: string,
  name: string,
  opts: StartLocalOptions = {},
): Promise<LocalProcess> {
  try {
    return await startLocal(bin, name, opts);
  } catch (e) {
    if (!/address already in use/i.test(String(e))) throw e;
    return startLocal(bin, name, opts);
  }
}

export { attach as attachCluster };

/** A local cluster whose process a fault test can kill and bring back (same URL, CA and identities). */
export interface RestartableCluster {
  info: ClusterInfo;
  /** SIGKILL: connections are refused until restart(). */
  kill(): Promise<void>;
  /** Starts again on the same port and data dir and waits for /readyz. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the port accepts connections but nothing answers. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export async function startRestartableCluster(name: string): Promise<RestartableCluster> {
  const bin = await ensureControlPlane();
  let proc = await startWithRetry(bin, name);
  const info = await applyFixtures(proc.info);
  const port = Number(new URL(info.server).port);
  const signal = (sig: NodeJS.Signals) => {
    if (proc.child.pid) process.kill(proc.child.pid, sig);
  };
  return {
    info,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    async kill() {
      signal("SIGCONT");
      await stopLocal(proc, 0, true);
    },
    async restart() {
      proc = await startLocal(bin, name, { dataDir: proc.dataDir, port });
      info.pid = proc.info.pid;
    },
    async stop() {
      signal("SIGCONT");
      await stopLocal(proc);
    },
  };
}
