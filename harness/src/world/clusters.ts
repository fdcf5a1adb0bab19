// The run's clusters by letter (A, B, C), attached from the 0600 cluster file.
import { readClusterFile } from "../clusters/file.js";
import { attach, type Cluster } from "../clusters/index.js";
import { clusterSecrets } from "../clusters/secrets.js";
import { CLUSTER_LETTERS } from "./params.js";

export class ClusterSet {
  constructor(private readonly byName: Map<string, Cluster>) {}

  static fromFile(file: string, onSecret: (value: string) => void): ClusterSet {
    if (!file) throw new Error("no cluster file (world parameter clustersFile)");
    const byName = new Map<string, Cluster>();
    readClusterFile(file).forEach((info, i) => {
      byName.set(CLUSTER_LETTERS[i] ?? info.name, attach(info));
      for (const secret of clusterSecrets(info)) onSecret(secret);
    });
    return new ClusterSet(byName);
  }

  all(): Map<string, Cluster> {
    return this.byName;
  }

  get(name: string): Cluster {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no cluster "${name}" (have ${[...this.byName.keys()].join(", ")})`);
    return c;
  }

  /** The fixture namespace of a cluster (existing clusters use run-scoped ones). */
  fixtureNamespace(name: string): string {
    return this.byName.get(name)?.info.namespaces?.fixture ?? "conformance";
  }
}
