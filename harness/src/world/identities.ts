// The scenario's identities by name: minted on a cluster, their secrets
// registered before anything can print them, and their tuples aimed at the
// scenario's own address of the cluster.
import { CREDENTIAL_HEADERS, HEADER } from "../../../reference-server/src/wire/constants.js";
import type { Cluster, Identity } from "../clusters/index.js";
import { bearerToken } from "../credentials/bearer.js";
import type { Headers } from "../mcp/client.js";
import type { TupleLabel } from "../report/model.js";
import type { ClusterSet } from "./clusters.js";
import type { ScenarioNetwork } from "./network.js";
import type { WorkerSecrets } from "./worker.js";

/** How an identity is made: a real credential, or one forged to be refused. */
export type Minter =
  | "mintTokenIdentity"
  | "mintCertIdentity"
  | "forgeExpiredToken"
  | "forgeExpiredCert"
  | "forgeForeignCaCert"
  | "revokedToken";

export interface NamedIdentity {
  identity: Identity;
  cluster: string;
}

export class Identities {
  private readonly byName = new Map<string, NamedIdentity>();

  constructor(
    private readonly clusters: ClusterSet,
    private readonly net: ScenarioNetwork,
    private readonly secrets: WorkerSecrets,
    /** Where a plain tuple travels in this scenario (`_meta` over stdio). */
    private readonly source: () => TupleLabel["source"],
  ) {}

  async mint(name: string, cluster: string, how: Minter): Promise<Identity> {
    const c: Cluster = this.clusters.get(cluster);
    return this.register(name, cluster, await c[how]());
  }

  register(name: string, cluster: string, identity: Identity): Identity {
    for (const key of CREDENTIAL_HEADERS) {
      const v = identity.headers[key];
      if (!v) continue;
      this.secrets.add(v);
      this.secrets.add(bearerToken(v));
      if (key !== HEADER.authorization) this.secrets.add(Buffer.from(v, "base64").toString("utf8"));
    }
    const server = identity.headers[HEADER.server];
    const own = this.net.ownAddress(cluster);
    const sent =
      own && server === this.clusters.all().get(cluster)?.server
        ? { ...identity, headers: { ...identity.headers, [HEADER.server]: own } }
        : identity;
    this.byName.set(name, { identity: sent, cluster });
    return sent;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): Identity {
    return this.entry(name).identity;
  }

  clusterOf(name: string): string {
    return this.entry(name).cluster;
  }

  headersOf(name: string): Headers {
    return { ...this.get(name).headers };
  }

  /** The plain tuple of an identity, by name. */
  labelOf(who: string, changes: string[] = [], source?: TupleLabel["source"]): TupleLabel {
    const e = this.byName.get(who);
    return {
      source: source ?? this.source(),
      identity: who,
      credential: e?.identity.kind,
      cluster: e?.cluster,
      ...(changes.length ? { changes } : {}),
    };
  }

  /** User names of the scenario's identities → their names in the scenario. */
  userNames(): Map<string, string> {
    return new Map([...this.byName].map(([n, e]) => [e.identity.user, n]));
  }

  entries(): [string, NamedIdentity][] {
    return [...this.byName];
  }

  private entry(name: string): NamedIdentity {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no identity "${name}" in this scenario`);
    return e;
  }
}
