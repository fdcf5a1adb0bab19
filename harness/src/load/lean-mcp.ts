// A lean Streamable HTTP client for load and measurements: JSON-RPC over undici's connection
// pool (keep-alive, no pipelining), so the figures measure the server, not a client library.
// undici rather than node:http: it cost a third less CPU per call, which on a 2-core
// machine the client shares with the server under test and the API server is CPU the
// server gets back.
import { Pool } from "undici";
import { initializeMessage, PROTOCOL_VERSION, parseBody } from "../mcp/raw.js";

export interface LeanResult {
  status: number;
  durationMs: number;
  isError: boolean;
  text: string;
  /** "result" | "jsonrpc-error" | "none" */
  kind: string;
}

/** Bounds every exchange, so a target that never answers fails the call instead of the run. */
const EXCHANGE_TIMEOUT_MS = 60_000;

export class LeanMcp {
  private id = 1;
  private constructor(
    private readonly path: string,
    private readonly pool: Pool,
    private readonly sessionId: string | undefined,
  ) {}

  /** `initHeaders`: only for a target that refuses initialize without cluster headers (AH-LIFE-1 workaround). */
  static async open(
    url: string,
    maxSockets: number,
    stateless: boolean,
    initHeaders: Record<string, string> = {},
  ): Promise<LeanMcp> {
    const u = new URL(url);
    const pool = new Pool(u.origin, {
      connections: maxSockets,
      pipelining: 1,
      headersTimeout: EXCHANGE_TIMEOUT_MS,
      bodyTimeout: EXCHANGE_TIMEOUT_MS,
    });
    const path = `${u.pathname}${u.search}`;
    const probe = new LeanMcp(path, pool, undefined);
    if (stateless) return probe;
    const r = await probe.post(initializeMessage("bench"), initHeaders);
    // a refused initialize must fail here, so the caller's AH-LIFE-1 workaround can take over
    const answer = parseBody(r.body).find((m) => m.id !== undefined);
    if (r.status >= 400 || !answer?.result) {
      await pool.destroy();
      throw new Error(`initialize was refused: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    }
    const sid = r.headers["mcp-session-id"];
    const s = new LeanMcp(path, pool, typeof sid === "string" ? sid : undefined);
    await s.post({ jsonrpc: "2.0", method: "notifications/initialized" }, {});
    return s;
  }

  private async post(
    body: unknown,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const r = await this.pool.request({
      path: this.path,
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": PROTOCOL_VERSION,
        ...(this.sessionId ? { "mcp-session-id": this.sessionId } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
  }

  async call(
    tool: string,
    args: Record<string, unknown>,
    headers: Record<string, string>,
    meta?: Record<string, unknown>,
  ): Promise<LeanResult> {
    const id = this.id++;
    const params: Record<string, unknown> = { name: tool, arguments: args };
    if (meta) params._meta = meta;
    const t0 = performance.now();
    const r = await this.post({ jsonrpc: "2.0", id, method: "tools/call", params }, headers);
    const durationMs = performance.now() - t0;
    const msg = parseBody(r.body).find((m) => m.id === id);
    const base = { status: r.status, durationMs };
    if (!msg) return { ...base, isError: true, text: r.body.slice(0, 200), kind: "none" };
    if (msg.error) return { ...base, isError: true, text: JSON.stringify(msg.error), kind: "jsonrpc-error" };
    const result = msg.result as { content?: { type: string; text?: string }[]; isError?: boolean };
    const text = (result.content ?? []).map((c) => c.text ?? "").join("\n");
    return { ...base, isError: result.isError === true, text, kind: "result" };
  }

  /** Ends the session (stateful servers) and closes the connections. */
  async close(): Promise<void> {
    if (this.sessionId) {
      try {
        const r = await this.pool.request({
          path: this.path,
          method: "DELETE",
          headers: { "mcp-session-id": this.sessionId, "mcp-protocol-version": PROTOCOL_VERSION },
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        await r.body.dump();
      } catch {
        // the session ends with the server anyway
      }
    }
    await this.pool.destroy();
  }
}
