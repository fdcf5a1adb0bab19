import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createSecureContext } from "node:tls";
import { type Faults, NO_FAULTS } from "../faults.js";
import type { ClusterTarget } from "../request/cluster-target.js";

/** A connection pool bound to one whole cluster tuple; its credentials never serve another tuple. */
export interface UpstreamClient {
  readonly target: ClusterTarget;
  readonly agent: HttpAgent;
}

export interface ClientPoolOptions {
  /** 0 disables reuse: every call gets a fresh agent that is destroyed afterwards. */
  readonly maxEntries: number;
  readonly idleMs: number;
  /** Connections per tuple at once; more calls of the same tuple wait for one. */
  readonly maxSockets?: number;
  /** Idle connections kept by the whole pool (each tuple may always keep one). */
  readonly maxIdleSockets?: number;
  readonly faults?: Faults;
}

// 64 connections per tuple rather than 16: at 64 concurrent calls the API server spent
// ≈ 0.1 ms less CPU per request when it got them over 64 connections (benchmarks.md).
export const POOL_DEFAULTS = { maxSockets: 64, maxIdleSockets: 64 } as const;

interface Entry {
  client: UpstreamClient;
  lastUsed: number;
  /** Calls in flight; an evicted entry is destroyed only when this drops to 0. */
  inUse: number;
  retired: boolean;
}

/**
 * AH-CONN-1: clients are keyed by a hash of the full tuple (server, CA, credential,
 * TLS options), bounded LRU with idle expiry. Map insertion order is the LRU order.
 */
export class ClientPool {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ClientPoolOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(options.idleMs, 30_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  acquire(target: ClusterTarget): { client: UpstreamClient; release: () => void } {
    if (this.options.maxEntries <= 0) {
      const client = { target, agent: createAgent(target, false, this.options) };
      return { client, release: () => client.agent.destroy() };
    }
    const key = (this.options.faults ?? NO_FAULTS).poolKey(tupleKey(target), target);
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.entries.set(key, existing);
      return this.lease(existing);
    }
    const agent = createAgent(target, true, this.options);
    this.shareIdleBudget(agent);
    const entry: Entry = {
      client: { target, agent },
      lastUsed: Date.now(),
      inUse: 0,
      retired: false,
    };
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
    return this.lease(entry);
  }

  private lease(entry: Entry): { client: UpstreamClient; release: () => void } {
    entry.inUse++;
    entry.lastUsed = Date.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.inUse--;
      entry.lastUsed = Date.now();
      if (entry.retired && entry.inUse === 0) entry.client.agent.destroy();
    };
    return { client: entry.client, release };
  }

  /**
   * Idle TLS connections cost native memory (~0.12 MiB each; 64 tuples × 16 sockets grew RSS by
   * 124 MiB), but a fixed small per-tuple limit (4) made a busy tuple close and reopen
   * connections whenever its load dipped: at 16 concurrent calls a quarter of the server's
   * CPU went to TLS handshakes. So the limit is pool-wide: just before an agent decides
   * whether to keep a freed connection, its limit becomes what the other tuples leave of the
   * budget (at least one, at most maxSockets).
   */
  private shareIdleBudget(agent: HttpAgent): void {
    const budget = this.options.maxIdleSockets ?? POOL_DEFAULTS.maxIdleSockets;
    const perTuple = this.options.maxSockets ?? POOL_DEFAULTS.maxSockets;
    agent.prependListener("free", () => {
      let elsewhere = 0;
      for (const e of this.entries.values())
        if (e.client.agent !== agent) elsewhere += idleSockets(e.client.agent);
      agent.maxFreeSockets = Math.max(1, Math.min(perTuple, budget - elsewhere));
    });
  }

  /** Idle connections held by the whole pool (for the memory benchmark and tests). */
  get idleSockets(): number {
    let n = 0;
    for (const e of this.entries.values()) n += idleSockets(e.client.agent);
    return n;
  }

  sweep(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (entry.inUse === 0 && now - entry.lastUsed >= this.options.idleMs) this.evict(key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const key of [...this.entries.keys()]) this.evict(key);
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    if (!entry) return;
    entry.retired = true;
    if (entry.inUse === 0) entry.client.agent.destroy();
  }
}

/**
 * The whole tuple, each part length-prefixed so no two tuples share a key. A plain string:
 * hashing it (SHA-256) cost more per call than the map lookup; the entry holds the same
 * secrets in its target anyway, so the key adds no exposure.
 */
export function tupleKey(target: ClusterTarget): string {
  const auth = target.auth;
  const parts = [
    target.server.href,
    target.caPem ?? "",
    String(target.insecureSkipTlsVerify),
    auth.kind,
    ...(auth.kind === "token" ? [auth.token] : [auth.certPem, auth.keyPem]),
  ];
  let key = "";
  for (const p of parts) key += `${p.length}:${p}|`;
  return key;
}

function idleSockets(agent: HttpAgent): number {
  let n = 0;
  for (const name in agent.freeSockets) n += agent.freeSockets[name]?.length ?? 0;
  return n;
}

function createAgent(target: ClusterTarget, keepAlive: boolean, options: ClientPoolOptions): HttpAgent {
  // maxFreeSockets starts at 1 and follows the pool's idle budget (ClientPool#shareIdleBudget).
  const sockets = {
    keepAlive,
    maxSockets: options.maxSockets ?? POOL_DEFAULTS.maxSockets,
    maxFreeSockets: 1,
  };
  if (target.server.protocol === "http:") return new HttpAgent(sockets);
  const tls = (options.faults ?? NO_FAULTS).tlsOptions(
    {
      // Setting `ca` replaces Node's bundled roots: only the supplied CA is trusted (AH-TLS-1).
      ca: target.caPem,
      ...(target.auth.kind === "cert" ? { cert: target.auth.certPem, key: target.auth.keyPem } : {}),
      rejectUnauthorized: !target.insecureSkipTlsVerify,
    },
    target,
  );
  const { rejectUnauthorized, ...material } = tls;
  return new HttpsAgent({
    ...sockets,
    ...material,
    // One TLS context per tuple, built once: without it every new connection parses the
    // CA bundle and key again (CPU, and native memory churn). Hostname checks are unchanged.
    secureContext: createSecureContext(material),
    rejectUnauthorized,
  });
}
