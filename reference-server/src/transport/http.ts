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
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { CallDeps } from "../call/run-call.js";
import { CLUSTER_HEADER_LINES, createMcpServer } from "../mcp/mcp-server.js";
import { type ClusterHeaderLines, clusterHeaderLines } from "../request/raw-headers.js";
import { BodyError, isInitialize, readJsonBody } from "./body.js";

export interface HttpFrontendOptions {
  readonly host: string;
  readonly port: number;
  readonly stateless: boolean;
  readonly maxHeaderSize: number;
  readonly deps: CallDeps;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  /** Only ever set by the `remember-initialize-headers` defect. */
  readonly initializeLines: ClusterHeaderLines | undefined;
  lastSeen: number;
}

const MAX_BODY = 8 * 1024 * 1024;
const MCP_PATH = "/mcp";
/** Abandoned sessions (client gone without DELETE) are closed after this long. */
const SESSION_IDLE_MS = 30 * 60 * 1000;

/** Streamable HTTP front end: sessions hold an MCP server each, never cluster data. */
export class HttpFrontend {
  private readonly http: NodeServer;
  private readonly sessions = new Map<string, Session>();
  private closing = false;
  private boundUrl: string | undefined;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: HttpFrontendOptions) {
    // CA bundles in headers are large: AH-HDR-9 needs ≥64 KiB; beyond the limit Node answers 431.
    this.http = createServer({ maxHeaderSize: options.maxHeaderSize }, (req, res) => {
      this.route(req, res).catch((err) => {
        options.deps.logger.error({ err: { message: String((err as Error)?.message) } }, "request failed");
        if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal error");
        else res.end();
      });
    });
    this.sweeper = setInterval(() => this.sweepSessions(), 60_000);
    this.sweeper.unref();
  }

  private sweepSessions(now = Date.now()): void {
    for (const session of this.sessions.values()) {
      if (now - session.lastSeen > SESSION_IDLE_MS) session.transport.close().catch(() => {});
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

  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    for (const session of this.sessions.values()) await session.transport.close().catch(() => {});
    this.sessions.clear();
    const timer = setTimeout(() => this.http.closeAllConnections(), graceMs);
    await stopped;
    clearTimeout(timer);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/healthz") return text(res, 200, "ok");
    if (path === "/readyz") return this.closing ? text(res, 503, "closing") : text(res, 200, "ready");
    if (path !== MCP_PATH) return text(res, 404, "not found");
    if (this.closing) return jsonRpcError(res, 503, -32000, "Server is shutting down");
    return this.options.stateless ? this.handleStateless(req, res) : this.handleStateful(req, res);
  }

  private async handleStateless(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return jsonRpcError(res, 405, -32000, "Method not allowed in stateless mode");
    const body = await this.readBody(req, res);
    if (body === undefined) return;
    if (this.refuseInitialize(body, req, res)) return;
    attachLines(req, clusterHeaderLines(req.rawHeaders));
    const server = createMcpServer(this.options.deps);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private async handleStateful(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = headerValue(req, "mcp-session-id");
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (session) session.lastSeen = Date.now();
    if (req.method !== "POST") {
      if (!session) return jsonRpcError(res, sessionId ? 404 : 400, -32000, "Bad Request: no valid session");
      return session.transport.handleRequest(req, res);
    }
    const body = await this.readBody(req, res);
    if (body === undefined) return;
    let lines = clusterHeaderLines(req.rawHeaders);
    if (session) {
      if (
        lines.size === 0 &&
        session.initializeLines &&
        this.options.deps.defects.has("remember-initialize-headers")
      ) {
        lines = session.initializeLines;
      }
      attachLines(req, lines);
      return session.transport.handleRequest(req, res, body);
    }
    if (sessionId) return jsonRpcError(res, 404, -32001, "Session not found");
    if (!isInitialize(body))
      return jsonRpcError(res, 400, -32000, "Bad Request: no valid session ID provided");
    if (this.refuseInitialize(body, req, res)) return;

    const server = createMcpServer(this.options.deps);
    const remembered =
      this.options.deps.defects.has("remember-initialize-headers") && lines.size > 0 ? lines : undefined;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, initializeLines: remembered, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      server.close().catch(() => {});
    };
    await server.connect(transport);
    attachLines(req, lines);
    await transport.handleRequest(req, res, body);
  }

  /** Only the `require-headers-on-initialize` defect refuses; AH-LIFE-1 says initialize needs nothing. */
  private refuseInitialize(body: unknown, req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.options.deps.defects.has("require-headers-on-initialize") || !isInitialize(body)) return false;
    if (clusterHeaderLines(req.rawHeaders).size > 0) return false;
    jsonRpcError(res, 400, -32000, "[missing-header] kubernetes-server is required");
    return true;
  }

  private async readBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      return await readJsonBody(req, MAX_BODY);
    } catch (err) {
      if (err instanceof BodyError) jsonRpcError(res, err.status, -32700, err.message);
      else throw err;
      return undefined;
    }
  }
}

/**
 * The SDK passes `req.auth` to handlers as `extra.authInfo`, per request; it is the one
 * channel that carries this POST's raw header lines to the tools/call handler.
 */
function attachLines(req: IncomingMessage, lines: ClusterHeaderLines): void {
  const auth: AuthInfo = {
    token: "",
    clientId: "auth-headers-provider",
    scopes: [],
    extra: { [CLUSTER_HEADER_LINES]: lines },
  };
  (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
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
