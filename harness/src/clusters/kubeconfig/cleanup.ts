// Removes everything one run created on an existing cluster, found by the run
// label: CSRs, the tenant ClusterRole(Binding) and the run's namespaces. A
// namespace is emptied by the harness itself after it is marked for deletion
// (nothing new can be created in it then), so that a cluster without a
// namespace controller (a bare API server) can be finalized without leaving
// objects behind.
import {
  CertificatesV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
  type V1Namespace,
} from "@kubernetes/client-node";
import { statusOf } from "../fixtures.js";
import { RUN_LABEL } from "../names.js";

export interface CleanupOptions {
  /** Finalize a namespace ourselves when no namespace controller has touched it after this long. */
  noControllerAfterMs?: number;
  /** Finalize it ourselves after this long in any case (a controller that is stuck or very slow). */
  finalizeAfterMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ignore404 = (e: unknown) => {
  if (statusOf(e) !== 404) throw e;
};

/** `runId` undefined removes every run's objects (`clusters clean`). Returns the problems met. */
export async function removeRun(kc: KubeConfig, runId: string | undefined, opts: CleanupOptions = {}) {
  const labelSelector = runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const certs = kc.makeApiClient(CertificatesV1Api);
  const problems: string[] = [];
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      if (statusOf(e) !== 404) problems.push(`${what}: ${(e as Error).message.split("\n")[0]}`);
    }
  };
  await attempt("CSRs", () => certs.deleteCollectionCertificateSigningRequest({ labelSelector }));
  await attempt("ClusterRoleBindings", () => rbac.deleteCollectionClusterRoleBinding({ labelSelector }));
  await attempt("ClusterRoles", () => rbac.deleteCollectionClusterRole({ labelSelector }));
  let namespaces: V1Namespace[] = [];
  await attempt("listing namespaces", async () => {
    namespaces = (await core.listNamespace({ labelSelector })).items;
  });
  await Promise.all(
    namespaces.map((ns) => attempt(`namespace ${ns.metadata?.name}`, () => deleteNamespace(kc, ns, opts))),
  );
  return { namespaces: namespaces.map((n) => n.metadata?.name ?? ""), problems };
}

async function deleteNamespace(kc: KubeConfig, ns: V1Namespace, opts: CleanupOptions) {
  const name = ns.metadata?.name;
  if (!name) return;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.deleteNamespace({ name }).catch(ignore404);
  const namespace = name;
  await Promise.all([
    core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }),
    core.deleteCollectionNamespacedConfigMap({ namespace }),
    core.deleteCollectionNamespacedServiceAccount({ namespace }),
    core.deleteCollectionNamespacedSecret({ namespace }),
    core.deleteCollectionNamespacedEvent({ namespace }),
    rbac.deleteCollectionNamespacedRole({ namespace }),
    rbac.deleteCollectionNamespacedRoleBinding({ namespace }),
  ]).catch(ignore404);
  // A namespace controller marks the namespace with NamespaceDeletion* conditions
  // within a second or two; where none shows up (a bare API server), nobody
  // will finish the deletion, so finalize soon. Where one works, let it.
  const noControllerAfterMs = opts.noControllerAfterMs ?? 3_000;
  const finalizeAfterMs = opts.finalizeAfterMs ?? 60_000;
  const started = Date.now();
  for (;;) {
    const ns = await readOrUndefined(core, name);
    if (!ns) return;
    const waited = Date.now() - started;
    const controller = (ns.status?.conditions?.length ?? 0) > 0;
    if (waited > finalizeAfterMs || (!controller && waited > noControllerAfterMs)) break;
    await sleep(250);
  }
  // The namespace is empty (emptied above while new objects were refused), so
  // dropping its `kubernetes` finalizer orphans nothing.
  const current = await readOrUndefined(core, name);
  if (!current) return;
  await core
    .replaceNamespaceFinalize({ name, body: { ...current, spec: { finalizers: [] } } })
    .catch(ignore404);
  for (
    const end = Date.now() + (opts.timeoutMs ?? 30_000);
    await readOrUndefined(core, name);
    await sleep(250)
  )
    if (Date.now() > end) throw new Error("still present after finalizing");
}

function readOrUndefined(core: CoreV1Api, name: string): Promise<V1Namespace | undefined> {
  return core.readNamespace({ name }).catch((e) => (statusOf(e) === 404 ? undefined : Promise.reject(e)));
}
