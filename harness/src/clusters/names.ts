// Names of what the fixtures create. Clusters the harness starts are its own,
// so fixed names are fine there; on an existing cluster every run gets its own
// names (and a label) so that runs do not meet and cleanup finds everything.
import { randomBytes } from "node:crypto";
import type { ClusterNamespaces } from "./types.js";

/** Label on every object a run creates on an existing cluster; its value is the run id. */
export const RUN_LABEL = "auth-headers-conformance/run";

export const IDENTITY_CONFIGMAP = "cluster-identity";
export const FORBIDDEN_CONFIGMAP = "forbidden-plans";

export interface FixtureNames {
  namespaces: ClusterNamespaces;
  /** ClusterRole and ClusterRoleBinding granting tenants get/list on namespaces, pods and events. */
  tenantClusterRole: string;
}

export const OWNED_CLUSTER_NAMES: FixtureNames = {
  namespaces: {
    fixture: "conformance",
    forbidden: "conformance-forbidden",
    identities: "conformance-identities",
  },
  tenantClusterRole: "conformance-tenant",
};

export function newRunId(): string {
  return randomBytes(3).toString("hex");
}

/** Names for one run on an existing cluster: all valid DNS labels, all ending in the run id. */
export function runScopedNames(runId: string): FixtureNames {
  if (!/^[a-z0-9]{1,12}$/.test(runId)) throw new Error(`invalid run id ${JSON.stringify(runId)}`);
  return {
    namespaces: {
      fixture: `conformance-${runId}`,
      forbidden: `conformance-${runId}-forbidden`,
      identities: `conformance-${runId}-identities`,
    },
    tenantClusterRole: `conformance-tenant-${runId}`,
  };
}

export function fixtureNamesOf(info: { namespaces?: ClusterNamespaces; runId?: string }): FixtureNames {
  if (info.runId) return runScopedNames(info.runId);
  return info.namespaces ? { ...OWNED_CLUSTER_NAMES, namespaces: info.namespaces } : OWNED_CLUSTER_NAMES;
}
