// The kubeconfig backend: clusters the user already has (kind, k3d, a staging
// cluster). The harness owns nothing there but what it creates for this run:
// run-scoped namespaces and RBAC (labelled with the run id, removed by stop()),
// identities minted through TokenRequest and the CSR API. Abilities record
// what it cannot do there (read the audit log, forge credentials, restart).
import { AuthenticationV1Api, KubeConfig } from "@kubernetes/client-node";
import { AVAILABLE, abilitiesFromInfo, unavailable } from "../abilities.js";
import { applyFixtures } from "../fixtures.js";
import { newRunId, runScopedNames } from "../names.js";
import type { Ability, ClusterInfo } from "../types.js";
import { type CleanupOptions, removeRun } from "./cleanup.js";
import { type ExistingCluster, KubeconfigError, loadKubeconfigFile, selectContexts } from "./contexts.js";

export interface KubeconfigStartOptions {
  /** Path of the user's kubeconfig file. */
  file: string;
  contexts: string[];
  count: number;
  log?: (line: string) => void;
  /** How long a CSR may wait for the cluster's signer before certificate identities count as unavailable. */
  certSignTimeoutMs?: number;
  runId?: string;
  cleanup?: CleanupOptions;
}

export interface ConnectedClusters {
  runId: string;
  clusters: ClusterInfo[];
  /** Removes everything this run created; safe to call twice. */
  stop(): Promise<void>;
}

export async function connectExisting(opts: KubeconfigStartOptions): Promise<ConnectedClusters> {
  const log = opts.log ?? (() => {});
  const targets = selectContexts(loadKubeconfigFile(opts.file), opts.contexts, opts.count);
  const runId = opts.runId ?? newRunId();
  const touched: ClusterInfo[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const results = await Promise.all(
        touched.map(async (info) => ({ info, ...(await removeRun(adminOf(info), runId, opts.cleanup)) })),
      );
      for (const r of results) {
        log(`${r.info.name}: removed run ${runId} (${r.namespaces.length} namespace(s))`);
        for (const p of r.problems) log(`${r.info.name}: cleanup: ${p}`);
      }
    })();
    return stopped;
  };
  try {
    const clusters = await Promise.all(
      targets.map(async (t) => {
        const info = await describe(t, runId);
        touched.push(info);
        const ready = await applyFixtures(info);
        const signCerts = await probeCertSigning(ready, opts.certSignTimeoutMs ?? 20_000);
        if (!signCerts.available)
          log(`${ready.name}: certificate identities unavailable: ${signCerts.reason}`);
        return { ...ready, abilities: abilitiesFromInfo(ready, signCerts) };
      }),
    );
    log(
      `run ${runId}: namespaces ${clusters[0]?.namespaces.fixture} (+ -forbidden, -identities) on ${clusters.length} cluster(s)`,
    );
    return { runId, clusters, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const adminOf = (info: ClusterInfo) => {
  const kc = new KubeConfig();
  kc.loadFromString(info.admin.kubeconfig ?? "");
  return kc;
};

async function describe(t: ExistingCluster, runId: string): Promise<ClusterInfo> {
  const base = {
    name: t.context,
    backend: "kubeconfig" as const,
    server: t.server,
    caPem: t.caPem,
    admin: { user: t.userName, kubeconfig: t.kubeconfig },
    clientCa: {},
    serviceAccount: {},
    namespaces: runScopedNames(runId).namespaces,
    runId,
  };
  const kc = new KubeConfig();
  kc.loadFromString(t.kubeconfig);
  let user: string | undefined;
  try {
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    user = review.status?.userInfo?.username;
  } catch (e) {
    throw new KubeconfigError(
      `cannot reach context ${t.context} (${t.server}): ${(e as Error).message.split("\n")[0]}`,
      `check the kubeconfig with \`kubectl --context ${t.context} auth whoami\``,
    );
  }
  const info: ClusterInfo = {
    ...base,
    admin: { ...base.admin, user: user ?? t.userName },
    abilities: abilitiesFromInfo(base),
  };
  return info;
}

async function probeCertSigning(info: ClusterInfo, timeoutMs: number): Promise<Ability> {
  const { mintCertIdentityUnchecked, CsrNotSignedError } = await import("../../credentials/mint.js");
  try {
    await mintCertIdentityUnchecked(info, { prefix: "probe", timeoutMs });
    return AVAILABLE;
  } catch (e) {
    if (e instanceof CsrNotSignedError) return unavailable(e.message);
    return unavailable(
      `minting a certificate through the CSR API failed: ${(e as Error).message.split("\n")[0]}`,
    );
  }
}
