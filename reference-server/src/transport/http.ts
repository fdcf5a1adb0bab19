import { randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server as NodeServer,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { Server as McpServer } from "@modelcontextprotocol/sdk/server/index.js";
import { isJsonContentType } from "@modelcontextprotocol/sdk/shared/mediaType.js";
import {
  type MessageExtraInfo,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import type { CallDeps } from "../call/run-call.js";
import { ByteBudget } from "../limits/byte-budget.js";
import {
  CLIENT_REQUEST_ID,
  CLUSTER_HEADER_LINES,
  createMcpServer,
  META_DUPLICATE_KEY,
} from "../mcp/mcp-server.js";
import { sdkRequestRouter } from "../mcp/request-router.js";
import { duplicateMetaKeys } from "../request/meta-duplicates.js";
import { type ClusterHeaderLines, clusterHeaderLines } from "../request/raw-headers.js";
import { type AdmissionOptions, admission } from "./admission.js";
import { BodyError, readJsonBody } from "./body.js";
import { classify, type Incoming } from "./jsonrpc.js";
import { PostTransport } from "./post-transport.js";

export interface HttpFrontendOptions {
  readonly host: string;
  readonly port: number;
  readonly stateless: boolean;
  readonly maxHeaderSize: number;
  readonly maxBodySize: number;
  readonly bodyTimeoutMs: number;
  /** Bytes all unfinished bodies may hold together. */
  readonly maxPendingBodyBytes: number;
  /** Connections at once; each may hold up to maxHeaderSize of headers while they arrive. */
  readonly maxConnections: number;
  readonly admission: AdmissionOptions;
  readonly maxSessions: number;
  /** A session unused for this long (and with no call in flight) is ended. */
  readonly sessionIdleMs: number;
  readonly closeGraceMs: number;
  readonly deps: CallDeps;
}

interface Post {
  readonly messages: Incoming[];
  /** The body was a JSON array: the replies go back as one. */
  readonly batch: boolean;
}

interface Session {
  readonly transport: PostTransport;
  readonly server: McpServer;
  lastSeen: number;
}

/** As the SDK's own transport. */
const MAX_BATCH = 100;
const MCP_PATH = "/mcp";

/**
 * Streamable HTTP front end. Every POST is answered on itself with a JSON body; there are no
 * server-initiated messages, so GET (the optional SSE stream) is 405, as the transport allows.
 * Sessions hold an SDK Server each, never cluster data; stateless mode shares one SDK Server.
 * Status codes and messages follow the SDK's own Streamable HTTP transport.
 */
export class HttpFrontend {
  private readonly http: NodeServer;
  private readonly sessions = new Map<string, Session>();
  /** The one SDK Server of stateless mode, made by the first POST (a promise: POSTs may race). */
  private stateless: Promise<{ server: McpServer; transport: PostTransport }> | undefined;
  private closing = false;
  /** POSTs whose replies are still being worked on; close() waits for them. */
  private active = 0;
  private onIdle: (() => void) | undefined;
  private boundUrl: string | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly bodyBudget: ByteBudget;

  constructor(private readonly options: HttpFrontendOptions) {
    this.bodyBudget = new ByteBudget(options.maxPendingBodyBytes);
    // CA bundles in headers are large: AH-HDR-9 needs ≥64 KiB; beyond the limit Node answers 431.
    this.http = createServer({ maxHeaderSize: options.maxHeaderSize }, (req, res) => {
      this.route(req, res).catch((err) => {
        options.deps.logger.error({ err: { message: String((err as Error)?.message) } }, "request failed");
        if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal error");
        else res.end();
      });
    });
    // Node's default keeps 2,000 name/value entries (about 1,000 lines) and drops the rest
    // unseen: a tuple hidden behind padding would escape the duplicate check (AH-HDR-8). Every
    // line is kept and counted instead (admission.ts); maxHeaderSize still bounds the total.
    this.http.maxHeadersCount = 0;
    this.http.maxConnections = options.maxConnections;
    // Headers get as long as a body; Node's own request timeout stays a backstop behind ours.
    this.http.headersTimeout = options.bodyTimeoutMs;
    this.http.requestTimeout = 2 * options.bodyTimeoutMs + 5_000;
    options.deps.faults.httpServer(this.http);
    this.sweeper = setInterval(
      () => this.sweepSessions(),
      Math.min(60_000, Math.max(50, options.sessionIdleMs / 2)),
    );
    this.sweeper.unref();
  }

  private sweepSessions(now = Date.now()): void {
    for (const [id, session] of this.sessions) {
      if (now - session.lastSeen > this.options.sessionIdleMs && session.transport.inFlight === 0)
        this.endSession(id);
    }
  }

  get url(): string | undefined {
    return this.boundUrl;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(this.options.port, this.options.host, () => {
        const addr = this.http.address() as AddressInfo;
        const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
        this.boundUrl = `http://${host}:${addr.port}${MCP_PATH}`;
        resolve(this.boundUrl);
      });
    });
  }

  /**
   * Stops taking requests (503, /readyz 503), lets the calls in flight finish for up to the
   * grace period, then ends every session (what is still running is answered "Connection
   * closed") and closes the remaining connections.
   */
  async close(graceMs = this.options.closeGraceMs): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    await this.drained(graceMs);
    for (const id of [...this.sessions.keys()]) this.endSession(id);
    if (this.stateless) {
      const { server, transport } = await this.stateless;
      await transport.close();
      await server.close().catch(() => {});
    }
    this.http.closeIdleConnections();
    const timer = setTimeout(() => this.http.closeAllConnections(), 1000);
    await stopped;
    clearTimeout(timer);
  }

  private drained(graceMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, graceMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.onIdle = done;
    });
  }

  /** answer(), counted, so close() knows when the calls in flight are done. */
  private async answerCounted(...args: Parameters<typeof answer>): Promise<void> {
    this.active++;
    try {
      await answer(...args);
    } finally {
      this.active--;
      if (this.active === 0) this.onIdle?.();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req.url);
    if (path === "/healthz") return text(res, 200, "ok");
    if (path === "/readyz") return this.closing ? text(res, 503, "closing") : text(res, 200, "ready");
    if (path !== MCP_PATH) return text(res, 404, "not found");
    const refusal = this.options.deps.faults.admission(
      admission(req.rawHeaders, this.options.admission),
      req.rawHeaders,
    );
    if (refusal) return jsonRpcError(res, refusal.status, -32000, refusal.message);
    if (this.closing) return jsonRpcError(res, 503, -32000, "Server is shutting down");
    if (req.method === "POST")
      return this.options.stateless ? this.postStateless(req, res) : this.postStateful(req, res);
    if (req.method === "DELETE" && !this.options.stateless) return this.deleteSession(req, res);
    res.setHeader("allow", this.options.stateless ? "POST" : "POST, DELETE");
    return jsonRpcError(res, 405, -32000, "Method not allowed.");
  }

  private async postStateless(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const post = await this.readMessages(req, res);
    if (!post) return;
    const { messages } = post;
    const initialize = hasInitialize(messages);
    const lines = this.linesOf(req, undefined, initialize);
    if (initialize && this.refuseInitialize(lines, res)) return;
    if (initialize && messages.length > 1)
      return jsonRpcError(res, 400, -32600, "Invalid Request: Only one initialization request is allowed");
    if (!initialize && !protocolVersionOk(req, res)) return;
    this.stateless ??= this.connectedServer(undefined);
    const { transport } = await this.stateless;
    return this.answerCounted(transport, messages, lines, post.batch, res, undefined);
  }

  private async postStateful(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = headerValue(req, "mcp-session-id");
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (sessionId && !session) return jsonRpcError(res, 404, -32001, "Session not found");
    const post = await this.readMessages(req, res);
    if (!post) return;
    const { messages } = post;
    const initialize = hasInitialize(messages);
    if (initialize && session)
      return jsonRpcError(res, 400, -32600, "Invalid Request: Server already initialized");
    if (initialize && messages.length > 1)
      return jsonRpcError(res, 400, -32600, "Invalid Request: Only one initialization request is allowed");
    if (session) {
      // The session may have ended (DELETE, sweep) while this body was arriving.
      if (!this.sessions.has(sessionId as string)) return jsonRpcError(res, 404, -32001, "Session not found");
      if (!protocolVersionOk(req, res)) return;
      session.lastSeen = Date.now();
      // Map order is the LRU order the session cap evicts by.
      this.sessions.delete(sessionId as string);
      this.sessions.set(sessionId as string, session);
      const lines = this.linesOf(req, sessionId, false);
      return this.answerCounted(session.transport, messages, lines, post.batch, res, sessionId);
    }
    if (!initialize) return jsonRpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
    const id = randomUUID();
    const lines = this.linesOf(req, id, true);
    if (this.refuseInitialize(lines, res)) return;
    if (!this.makeRoomForSession())
      return jsonRpcError(res, 503, -32000, "Too many sessions: every session has a call in flight");

    const { server, transport } = await this.connectedServer(id);
    transport.onclose = () => {
      this.sessions.delete(id);
      server.close().catch(() => {});
    };
    this.sessions.set(id, { transport, server, lastSeen: Date.now() });
    return this.answerCounted(transport, messages, lines, post.batch, res, id);
  }

  /** An SDK Server on a fresh PostTransport, its requests routed straight to it. */
  private async connectedServer(
    sessionId: string | undefined,
  ): Promise<{ server: McpServer; transport: PostTransport }> {
    const server = createMcpServer(this.options.deps);
    const transport = new PostTransport(sessionId);
    await server.connect(transport);
    transport.routeRequestsTo(sdkRequestRouter(server));
    return { server, transport };
  }

  private async deleteSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = headerValue(req, "mcp-session-id");
    if (!sessionId) return jsonRpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
    if (!this.sessions.has(sessionId)) return jsonRpcError(res, 404, -32001, "Session not found");
    if (!protocolVersionOk(req, res)) return;
    this.endSession(sessionId);
    res.writeHead(200).end();
  }

  /**
   * Sessions are cheap but not free (an SDK Server each): at the cap the least recently used
   * session without a call in flight ends; its client gets 404 and, as MCP prescribes, starts
   * a new session. Nothing of a cluster is lost: sessions hold none.
   */
  private makeRoomForSession(): boolean {
    if (this.sessions.size < this.options.maxSessions) return true;
    for (const [id, session] of this.sessions) {
      if (session.transport.inFlight === 0) {
        this.endSession(id);
        return true;
      }
    }
    return false;
  }

  private endSession(id: string): void {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    session?.transport.close().catch(() => {});
  }

  /** The cluster header lines the calls of this POST see: its own (AH-SRC-3). */
  private linesOf(
    req: IncomingMessage,
    sessionId: string | undefined,
    initialize: boolean,
  ): ClusterHeaderLines {
    const names = this.options.deps.targets.headerNames;
    return this.options.deps.faults.callHeaderLines(clusterHeaderLines(req.rawHeaders, names), {
      sessionId,
      initialize,
    });
  }

  /** AH-LIFE-1: initialize needs no cluster headers, so production never refuses one; a fault may. */
  private refuseInitialize(lines: ClusterHeaderLines, res: ServerResponse): boolean {
    const refusal = this.options.deps.faults.initialize(undefined, lines);
    if (refusal === undefined) return false;
    jsonRpcError(res, 400, -32000, refusal);
    return true;
  }

  /** Accept, Content-Type, body and JSON-RPC shape, as the SDK transport checks them; undefined once answered. */
  private async readMessages(req: IncomingMessage, res: ServerResponse): Promise<Post | undefined> {
    const accept = req.headers.accept ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
      jsonRpcError(
        res,
        406,
        -32000,
        "Not Acceptable: Client must accept both application/json and text/event-stream",
      );
      return undefined;
    }
    if (!isJsonContentType(req.headers["content-type"])) {
      jsonRpcError(res, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
      return undefined;
    }
    let body: unknown;
    let duplicates: ReadonlyMap<number, string> | undefined;
    try {
      const read = await readJsonBody(req, {
        maxBytes: this.options.maxBodySize,
        timeoutMs: this.options.bodyTimeoutMs,
        budget: this.bodyBudget,
      });
      body = read.value;
      duplicates = duplicateMetaKeys(read.text);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      if (err.status === 400) {
        jsonRpcError(res, 400, -32700, err.message);
        return undefined;
      }
      // The rest of the body is not read: the connection ends with the answer.
      res.setHeader("connection", "close");
      res.once("finish", () => setTimeout(() => req.socket.destroy(), 1000).unref());
      jsonRpcError(res, err.status, -32000, err.message);
      return undefined;
    }
    const raw = Array.isArray(body) ? body : [body];
    if (raw.length > MAX_BATCH) {
      jsonRpcError(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`);
      return undefined;
    }
    const messages: Incoming[] = [];
    for (const [i, m] of raw.entries()) {
      const incoming = classify(m);
      if (!incoming) {
        jsonRpcError(res, 400, -32700, "Parse error: Invalid JSON-RPC message");
        return undefined;
      }
      const metaDuplicate = duplicates?.get(i);
      messages.push(metaDuplicate && incoming.kind === "request" ? { ...incoming, metaDuplicate } : incoming);
    }
    if (messages.length === 0) {
      jsonRpcError(res, 400, -32600, "Invalid Request: empty batch");
      return undefined;
    }
    return { messages, batch: Array.isArray(body) };
  }
}

/** Hands the messages to the session's SDK Server and writes the replies as one JSON body. */
async function answer(
  transport: PostTransport,
  messages: readonly Incoming[],
  lines: ClusterHeaderLines,
  batch: boolean,
  res: ServerResponse,
  sessionId: string | undefined,
): Promise<void> {
  const extraFor = (clientId: RequestId | undefined, incoming: Incoming): MessageExtraInfo => ({
    authInfo: authInfoOf(lines, clientId, incoming.kind === "request" ? incoming.metaDuplicate : undefined),
  });
  const exchange = transport.exchange(messages, extraFor);
  const headers: Record<string, string> = sessionId ? { "mcp-session-id": sessionId } : {};
  if (!messages.some((m) => m.kind === "request")) {
    res.writeHead(202, headers).end();
    return;
  }
  const onClose = () => {
    if (!res.writableFinished) exchange.abandon();
  };
  res.once("close", onClose);
  const replies = await exchange.replies;
  res.off("close", onClose);
  if (res.destroyed) return;
  // A batch is answered with an array, a single message with an object (JSON-RPC 2.0).
  const body = JSON.stringify(batch ? replies : replies[0]);
  res.writeHead(200, { ...headers, "content-type": "application/json" }).end(body);
}

/**
 * The SDK hands `authInfo` to request handlers as `extra.authInfo`, per message: the one
 * channel that carries this POST's raw header lines (and the client's own request id, for
 * log lines) to the tools/call handler.
 */
function authInfoOf(
  lines: ClusterHeaderLines,
  clientId: RequestId | undefined,
  metaDuplicate: string | undefined,
): AuthInfo {
  return {
    token: "",
    clientId: "auth-headers-provider",
    scopes: [],
    extra: {
      [CLUSTER_HEADER_LINES]: lines,
      [CLIENT_REQUEST_ID]: clientId,
      [META_DUPLICATE_KEY]: metaDuplicate,
    },
  };
}

function hasInitialize(messages: readonly Incoming[]): boolean {
  return messages.some((m) => m.kind === "request" && m.message.method === "initialize");
}

function protocolVersionOk(req: IncomingMessage, res: ServerResponse): boolean {
  const version = headerValue(req, "mcp-protocol-version");
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return true;
  jsonRpcError(
    res,
    400,
    -32000,
    `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
  );
  return false;
}

function pathOf(url: string | undefined): string {
  const u = url ?? "/";
  if (!u.startsWith("/") || u.startsWith("//")) return new URL(u, "http://x").pathname;
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res
    .writeHead(status, { "content-type": "application/json" })
    .end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
