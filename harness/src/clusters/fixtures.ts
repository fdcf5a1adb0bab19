// Applies fixtures/cluster.yaml to a cluster. Creation is idempotent (409 is
// fine) so a restarted cluster or a re-run keeps its identity uid.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { PACKAGE_ROOT } from "../package-root.js";
import { adminKubeConfig } from "./kube.js";
import type { ClusterInfo } from "./types.js";

export const FIXTURE_NAMESPACE = "conformance";
export const FORBIDDEN_NAMESPACE = "conformance-forbidden";
export const IDENTITY_CONFIGMAP = "cluster-identity";

function statusOf(e: unknown): number | undefined {
  const err = e as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return err.code ?? err.statusCode ?? err.response?.statusCode;
}

const placeholder = (name: string) => `\${${name}}`;

export async function applyFixtures(info: ClusterInfo): Promise<ClusterInfo> {
  const kc = adminKubeConfig(info);
  const core = kc.makeApiClient(CoreV1Api);
  // Reuse the uid if the fixtures were applied before (same data dir).
  let uid: string = randomUUID();
  try {
    const cm = await core.readNamespacedConfigMap({ name: IDENTITY_CONFIGMAP, namespace: FIXTURE_NAMESPACE });
    if (cm.data?.uid) uid = cm.data.uid;
  } catch {}
  // The placeholders are literal text in fixtures/cluster.yaml, not templates.
  const text = readFileSync(join(PACKAGE_ROOT, "fixtures", "cluster.yaml"), "utf8")
    .replaceAll(placeholder("CLUSTER_NAME"), info.name)
    .replaceAll(placeholder("CLUSTER_UID"), uid);
  const objects = parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o);
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
