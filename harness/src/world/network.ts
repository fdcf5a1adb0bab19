// The scenario's own way to each cluster. Every cluster on loopback gets an
// address of this scenario's own (a TCP forwarder on 127.0.0.1; the serving
// certificate names the IP, not the port). A provider that keeps clients or
// connections across calls (a cache keyed by server alone, say) then cannot
// hand one scenario's identity to another: such a defect shows in the
// scenarios written to catch it, the same in every run. Clusters not on
// loopback (existing clusters) keep their address. Each forwarder is also the
// contact witness of its cluster: it records every connection and byte the
// provider sends, whether or not a request authenticates (docs/design.md,
// "Contact witness"). Oracles the scenario opens are tracked here too, so they
// close with it.
import {
  attributeShared,
  type CallReach,
  type ClusterContact,
  contacted,
  describeContact,
} from "../checks/contact.js";
import { type Contact, type ContactLog, type ContactWindow, contactProxy } from "../oracles/contact.js";
import type { Listener } from "../oracles/listeners.js";
import type { ClusterSet } from "./clusters.js";

export class ScenarioNetwork {
  private readonly addresses = new Map<string, string>();
  private readonly listeners: Listener[] = [];
  /** Every forwarder's log, by cluster (the scenario's own address and fresh ones). */
  private readonly witnesses = new Map<string, ContactLog[]>();

  constructor(private readonly clusters: ClusterSet) {}

  /** Opens the scenario's own address of every loopback cluster. */
  async open(): Promise<void> {
    for (const name of this.clusters.all().keys()) {
      const address = await this.forward(name);
      if (address) this.addresses.set(name, address);
    }
  }

  /** One more address of cluster `name`, used by nothing else (for control calls). */
  async fresh(name: string): Promise<string> {
    return (await this.forward(name)) ?? this.serverOf(name);
  }

  /** The API server URL of cluster `name` as this scenario sends it. */
  serverOf(name: string): string {
    return this.addresses.get(name) ?? this.clusters.get(name).server;
  }

  /** The scenario's own address of a cluster, when it has one. */
  ownAddress(name: string): string | undefined {
    return this.addresses.get(name);
  }

  /** Letter of the cluster serving `host` (host:port), if it is one of ours. */
  clusterOfHost(host: string): string | undefined {
    for (const name of this.clusters.all().keys())
      if (new URL(this.serverOf(name)).host === host) return name;
    return undefined;
  }

  /** Closes `listener` with the scenario. */
  track<T extends Listener>(listener: T): T {
    this.listeners.push(listener);
    return listener;
  }

  /** What the provider did to each cluster during `window`; a cluster without a forwarder is not witnessed. */
  contactDuring(window: ContactWindow): ClusterContact[] {
    return [...this.clusters.all().keys()].map((cluster) => {
      const logs = this.witnesses.get(cluster);
      if (!logs?.length)
        return {
          cluster,
          contact: undefined,
          untestableReason: `cluster ${cluster} is reached at its own address (not on loopback), so no forwarder witnesses it`,
        };
      return {
        cluster,
        contact: mergeContacts(
          logs.map((l) => l.contactDuring(window)),
          window,
        ),
      };
    });
  }

  /** The witness's lines for each call of the timeline (clusters contacted, or "no contact"). */
  describeCalls(calls: { index: number; contact?: string[] }[], reaches: readonly CallReach[]): void {
    for (const c of calls) {
      const w = reaches.find((x) => x.index === c.index);
      if (!w) continue;
      const all = attributeShared(this.contactDuring(w), w, reaches).filter((x) => x.contact);
      if (all.length === 0) continue;
      const shown = all.filter((x) => x.sharedWith?.length || (x.contact && contacted(x.contact)));
      c.contact = shown.length ? shown.map(describeContact) : ["no contact with any witnessed cluster"];
    }
  }

  async close(): Promise<void> {
    for (const l of this.listeners.splice(0)) await l.close().catch(() => undefined);
  }

  private async forward(name: string): Promise<string | undefined> {
    const u = new URL(this.clusters.get(name).server);
    if (u.hostname !== "127.0.0.1") return undefined;
    const proxy = this.track(await contactProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.1"));
    this.witnesses.set(name, [...(this.witnesses.get(name) ?? []), proxy.log]);
    return `${u.protocol}//${proxy.address}${u.pathname === "/" ? "" : u.pathname}`;
  }
}

/** One cluster's contact over all its forwarders. */
function mergeContacts(parts: Contact[], window: ContactWindow): Contact {
  return {
    window,
    newConnections: parts.reduce((n, c) => n + c.newConnections, 0),
    bytesFromProvider: parts.reduce((n, c) => n + c.bytesFromProvider, 0),
    bytesOnExisting: parts.reduce((n, c) => n + c.bytesOnExisting, 0),
    bytesToProvider: parts.reduce((n, c) => n + c.bytesToProvider, 0),
    connections: parts.flatMap((c) => c.connections),
  };
}
