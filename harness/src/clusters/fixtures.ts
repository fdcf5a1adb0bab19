// Applies fixtures/cluster.yaml to a cluster. Creation is idempotent (409 is
// fine) so a restarted cluster or a re-run keeps its identity uid.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { PACKAGE_ROOT } from "../package-root.js";
import { adminKubeConfig } from "./kube.js";
import {
  type FixtureNames,
  fixtureNamesOf,
  IDENTITY_CONFIGMAP,
  OWNED_CLUSTER_NAMES,
  RUN_LABEL,
} from "./names.js";
import type { ClusterInfo } from "./types.js";

export { FORBIDDEN_CONFIGMAP, IDENTITY_CONFIGMAP } from "./names.js";
/** Fixed names on clusters the harness starts; use ClusterInfo.namespaces, which is right on every cluster. */
export const FIXTURE_NAMESPACE = OWNED_CLUSTER_NAMES.namespaces.fixture;
export const FORBIDDEN_NAMESPACE = OWNED_CLUSTER_NAMES.namespaces.forbidden;

export function statusOf(e: unknown): number | undefined {
  const err = e as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return err.code ?? err.statusCode ?? err.response?.statusCode;
}

const placeholder = (name: string) => `\${${name}}`;

/** The fixture objects for one cluster; `runId` labels each of them (existing clusters). */
export function renderFixtures(
  text: string,
  v: { clusterName: string; uid: string; names: FixtureNames; runId?: string },
): KubernetesObject[] {
  const values: Record<string, string> = {
    CLUSTER_NAME: v.clusterName,
    CLUSTER_UID: v.uid,
    NAMESPACE: v.names.namespaces.fixture,
    FORBIDDEN_NAMESPACE: v.names.namespaces.forbidden,
    IDENTITY_NAMESPACE: v.names.namespaces.identities,
    TENANT_CLUSTER_ROLE: v.names.tenantClusterRole,
  };
  // The placeholders are literal text in fixtures/cluster.yaml, not templates.
  let filled = text;
  for (const [k, value] of Object.entries(values)) filled = filled.replaceAll(placeholder(k), value);
  const left = /\$\{[A-Z_]+\}/.exec(filled.replace(/^#.*$/gm, ""));
  if (left) throw new Error(`fixtures/cluster.yaml: unknown placeholder ${left[0]}`);
  const objects = parseAllDocuments(filled)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o);
  if (v.runId)
    for (const o of objects)
      o.metadata = { ...o.metadata, labels: { ...o.metadata?.labels, [RUN_LABEL]: v.runId } };
  return objects;
}

export async function applyFixtures(info: ClusterInfo): Promise<ClusterInfo> {
  const kc = adminKubeConfig(info);
  const core = kc.makeApiClient(CoreV1Api);
  const names = fixtureNamesOf(info);
  // Reuse the uid if the fixtures were applied before (same data dir).
  let uid: string = randomUUID();
  try {
    const cm = await core.readNamespacedConfigMap({
      name: IDENTITY_CONFIGMAP,
      namespace: names.namespaces.fixture,
    });
    if (cm.data?.uid) uid = cm.data.uid;
  } catch {}
  const objects = renderFixtures(readFileSync(join(PACKAGE_ROOT, "fixtures", "cluster.yaml"), "utf8"), {
    clusterName: info.name,
    uid,
    names,
    runId: info.runId,
  });
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const obj of objects) {
    for (let attempt = 0; ; attempt++) {
      try {
        await api.create(obj);
        break;
      } catch (e) {
        const code = statusOf(e);
        if (code === 409) break;
        // Right after start the RBAC or ServiceAccount caches may lag a moment.
        if (attempt < 20 && (code === 403 || code === 404 || code === 500 || code === undefined)) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        throw new Error(`applying fixture ${obj.kind} ${obj.metadata?.name} to ${info.name}: ${String(e)}`);
      }
    }
  }
  return { ...info, identityUid: uid };
}
