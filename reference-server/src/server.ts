import type { DestinationStream } from "pino";
import { createCallDeps } from "./call/call-deps.js";
import { knownClustersSource } from "./contexts/known-clusters-source.js";
import type { KnownContext } from "./contexts/kubeconfig.js";
import { type OAuthSettings, oauthVerifier } from "./contexts/oauth.js";
import { type Faults, NO_FAULTS } from "./faults.js";
import { createLogger, type Logger } from "./log/logger.js";
import { NetworkPolicy, type Resolver } from "./policy/network-policy.js";
import { allowedHostsFor, allowedOriginsFor } from "./transport/admission.js";
import { HttpFrontend } from "./transport/http.js";
import { serveStdio } from "./transport/stdio.js";
import { ClientPool } from "./upstream/client-pool.js";

export interface ReferenceServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8085; 0 picks a free port. */
  port?: number;
  stateless?: boolean;
  stdio?: boolean;
  allowedServers?: readonly string[];
  allowPlainHttp?: boolean;
  allowInsecureTls?: boolean;
  /** Per upstream call, default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Total request header bytes accepted, default 256 KiB. */
  maxHeaderSize?: number;
  /** Largest request body (HTTP) or message line (stdio), default 1 MiB. */
  maxBodySize?: number;
  /** Time for a request's headers, and then its body, to arrive, default 10 000 ms. */
  bodyTimeoutMs?: number;
  /** Bytes all unfinished request bodies may hold together, default 64 MiB. */
  maxPendingBodyBytes?: number;
  /** HTTP connections at once, default 1 000. */
  maxConnections?: number;
  /** Upstream requests in flight in all, default 512; more calls wait within their deadline. */
  maxInFlight?: number;
  /** Upstream requests in flight to one API server endpoint (address:port), default 128. */
  maxInFlightPerServer?: number;
  /** Largest API server answer read, default 4 MiB. */
  maxResponseSize?: number;
  /** Bytes all answers being read may hold together (each holds 64 KiB freely), default 64 MiB. */
  maxPendingResponseBytes?: number;
  /** Largest value of any cluster header or `_meta` key, default 128 KiB. */
  maxValueSize?: number;
  /** More header lines than this are refused with 431, default 1 000. */
  maxHeaderLines?: number;
  /** Host names (or host:port) served besides the loopback names; "*" for any. */
  allowedHosts?: readonly string[];
  /** Origins allowed to call (a request without Origin always may); "*" for any. */
  allowedOrigins?: readonly string[];
  /** Stateful sessions kept at once, default 1 000; beyond, the least recently used idle one ends. */
  maxSessions?: number;
  /** A session unused this long is ended, default 10 minutes. */
  sessionIdleMs?: number;
  /** How long close() lets calls in flight finish, default 5 000 ms. */
  closeGraceMs?: number;
  logLevel?: string;
  logDestination?: DestinationStream;
  /** Bounded client pool; maxEntries 0 disables reuse. */
  pool?: { maxEntries?: number; idleMs?: number; maxSockets?: number; maxIdleSockets?: number };
  /** Test hook for DNS so unit tests never resolve real names. */
  resolver?: Resolver;
  /**
   * Serve the known-clusters class (docs/spec.md section 11): the clusters are these contexts
   * (from `--kubeconfig`), each call names one and brings its own bearer token; the
   * kubeconfig's users are never read. HTTP only.
   */
  knownClusters?: {
    contexts: ReadonlyMap<string, KnownContext>;
    /** Validate every token (AH-KC-10); absent: passthrough, the API server decides. */
    oauth?: OAuthSettings | undefined;
  };
  /** Deliberate faults; only the test-only faulty entry point (test/faulty/) sets this. */
  faults?: Faults;
}

export interface ReferenceServer {
  /** Starts serving; resolves to the MCP URL (or "stdio"). */
  listen(): Promise<string>;
  close(): Promise<void>;
  readonly url: string | undefined;
  readonly logger: Logger;
  readonly pool: ClientPool;
  /** Stateful sessions held (measurements, tests). */
  readonly sessions: number;
}

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8085,
  requestTimeoutMs: 10_000,
  maxHeaderSize: 256 * 1024,
  maxBodySize: 1024 * 1024,
  bodyTimeoutMs: 10_000,
  maxPendingBodyBytes: 64 * 1024 * 1024,
  maxConnections: 1000,
  maxInFlight: 512,
  maxInFlightPerServer: 128,
  maxResponseSize: 4 * 1024 * 1024,
  maxPendingResponseBytes: 64 * 1024 * 1024,
  maxHeaderLines: 1000,
  maxValueSize: 128 * 1024,
  // An idle session holds ~23 KiB of heap, ~40-57 KiB of RSS (docs/reference-server.md): 1,000
  // for 10 minutes is ~50 MiB that anyone can make the server hold without a credential.
  maxSessions: 1_000,
  sessionIdleMs: 10 * 60 * 1000,
  closeGraceMs: 5_000,
  poolMaxEntries: 64,
  poolIdleMs: 60_000,
} as const;

export function createReferenceServer(given: ReferenceServerOptions = {}): ReferenceServer {
  const faults = given.faults ?? NO_FAULTS;
  const options = faults.settings(given);
  const logger = createLogger(options.logLevel ?? "info", options.logDestination);
  const pool = new ClientPool({
    maxEntries: options.pool?.maxEntries ?? DEFAULTS.poolMaxEntries,
    idleMs: options.pool?.idleMs ?? DEFAULTS.poolIdleMs,
    maxSockets: options.pool?.maxSockets,
    maxIdleSockets: options.pool?.maxIdleSockets,
    faults,
  });
  const known = options.knownClusters;
  if (known && options.stdio)
    throw new Error("the known-clusters class needs HTTP: stdio carries no per-request token");
  const maxValueBytes = options.maxValueSize ?? DEFAULTS.maxValueSize;
  const deps = createCallDeps({
    policy: new NetworkPolicy({ allowedServers: options.allowedServers, resolver: options.resolver, faults }),
    pool,
    logger,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    allowPlainHttp: options.allowPlainHttp ?? false,
    allowInsecureTls: options.allowInsecureTls ?? false,
    maxValueBytes,
    maxInFlight: options.maxInFlight ?? DEFAULTS.maxInFlight,
    maxInFlightPerServer: options.maxInFlightPerServer ?? DEFAULTS.maxInFlightPerServer,
    maxResponseBytes: options.maxResponseSize ?? DEFAULTS.maxResponseSize,
    maxPendingResponseBytes: options.maxPendingResponseBytes ?? DEFAULTS.maxPendingResponseBytes,
    faults,
    targets: known
      ? knownClustersSource({
          contexts: known.contexts,
          verify: known.oauth ? oauthVerifier(known.oauth) : undefined,
          maxValueBytes,
        })
      : undefined,
  });

  if (options.stdio) {
    let stdio: { close: () => Promise<void> } | undefined;
    return {
      logger,
      pool,
      url: undefined,
      sessions: 0,
      async listen() {
        stdio = await serveStdio(deps, options.maxBodySize ?? DEFAULTS.maxBodySize);
        return "stdio";
      },
      async close() {
        await stdio?.close();
        pool.close();
      },
    };
  }

  const frontend = new HttpFrontend({
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    stateless: options.stateless ?? false,
    maxHeaderSize: options.maxHeaderSize ?? DEFAULTS.maxHeaderSize,
    maxBodySize: options.maxBodySize ?? DEFAULTS.maxBodySize,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
    maxPendingBodyBytes: options.maxPendingBodyBytes ?? DEFAULTS.maxPendingBodyBytes,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    admission: {
      maxHeaderLines: options.maxHeaderLines ?? DEFAULTS.maxHeaderLines,
      hosts: allowedHostsFor(options.host ?? DEFAULTS.host, options.allowedHosts),
      origins: allowedOriginsFor(options.allowedOrigins),
    },
    maxSessions: options.maxSessions ?? DEFAULTS.maxSessions,
    sessionIdleMs: options.sessionIdleMs ?? DEFAULTS.sessionIdleMs,
    closeGraceMs: options.closeGraceMs ?? DEFAULTS.closeGraceMs,
    deps,
  });
  return {
    logger,
    pool,
    get url() {
      return frontend.url;
    },
    get sessions() {
      return frontend.sessionCount;
    },
    listen: () => frontend.listen(),
    async close() {
      await frontend.close();
      pool.close();
    },
  };
}
