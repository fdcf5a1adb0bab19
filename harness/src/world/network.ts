// The scenario's own way to each cluster. Every cluster on loopback gets an
// address of this scenario's own (a TCP forwarder on 127.0.0.1; the serving
// certificate names the IP, not the port). A provider that keeps clients or
// connections across calls (a cache keyed by server alone, say) then cannot
// hand one scenario's identity to another: such a defect shows in the
// scenarios written to catch it, the same in every run. Clusters not on
// loopback (existing clusters) keep their address. Oracles the scenario opens
// are tracked here too, so they close with it.
import { type Listener, tcpProxy } from "../oracles/listeners.js";
import type { ClusterSet } from "./clusters.js";

export class ScenarioNetwork {
  private readonly addresses = new Map<string, string>();
  private readonly listeners: Listener[] = [];

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

  async close(): Promise<void> {
    for (const l of this.listeners.splice(0)) await l.close().catch(() => undefined);
  }

  private async forward(name: string): Promise<string | undefined> {
    const u = new URL(this.clusters.get(name).server);
    if (u.hostname !== "127.0.0.1") return undefined;
    const proxy = this.track(await tcpProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.1"));
    return `${u.protocol}//${proxy.address}${u.pathname === "/" ? "" : u.pathname}`;
  }
}
