// Tool names as the profile maps them, and the arguments each required tool
// gets, aimed at the fixtures of a cluster.
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { type Profile, toolName } from "../profile/schema.js";
import type { ClusterSet } from "./clusters.js";

/** Arguments of each required tool, aimed at the fixtures (in the cluster's fixture namespace). */
export function defaultArgs(tool: string, ns: string): Record<string, unknown> {
  switch (tool) {
    case "pods_list_in_namespace":
    case "events_list":
      return { namespace: ns };
    case "pods_get":
      return { namespace: ns, name: "fixture-pod-1" };
    case "resources_list":
      return { apiVersion: "v1", kind: "ConfigMap", namespace: ns };
    case "resources_get":
      return { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "cluster-identity" };
    default:
      return {};
  }
}

export class Tools {
  constructor(
    private readonly profile: Profile,
    private readonly clusters: ClusterSet,
  ) {}

  /** The target's name of a tool the spec names. */
  name(specName: string): string {
    return toolName(this.profile, specName);
  }

  /** Default arguments of a tool for cluster `cluster`. */
  args(specName: string, cluster = "A"): Record<string, unknown> {
    return defaultArgs(specName, this.clusters.fixtureNamespace(cluster));
  }

  required(): string[] {
    return REQUIRED_TOOLS.map((t) => this.name(t));
  }
}
