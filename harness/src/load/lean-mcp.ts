// A lean Streamable HTTP client for load and measurements: JSON-RPC over node:http with
// a keep-alive agent, so the figures measure the server, not a client library.
import { Agent, request } from "node:http";
import { initializeMessage, PROTOCOL_VERSION, parseBody } from "../mcp/raw.js";

export interface LeanResult {
  status: number;
  durationMs: number;
  isError: boolean;
  text: string;
  /** "result" | "jsonrpc-error" | "none" */
  kind: string;
}

export class LeanMcp {
  private id = 1;
  private constructor(
    private readonly url: URL,
    private readonly agent: Agent,
    private readonly sessionId: string | undefined,
  ) {}

  static async open(url: string, maxSockets: number, stateless: boolean): Promise<LeanMcp> {
    const agent = new Agent({ keepAlive: true, maxSockets });
    const probe = new LeanMcp(new URL(url), agent, undefined);
    if (stateless) return probe;
    const r = await probe.post(initializeMessage("bench"), {});
    const sid = r.headers["mcp-session-id"];
    const s = new LeanMcp(new URL(url), agent, typeof sid === "string" ? sid : undefined);
    await s.post({ jsonrpc: "2.0", method: "notifications/initialized" }, {});
    return s;
  }

  private post(
    body: unknown,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "content-length": String(payload.length),
            "mcp-protocol-version": PROTOCOL_VERSION,
            ...(this.sessionId ? { "mcp-session-id": this.sessionId } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error("bench request timed out")));
      req.on("error", reject);
      req.end(payload);
    });
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
      await new Promise<void>((resolve) => {
        const req = request(
          {
            host: this.url.hostname,
            port: this.url.port,
            path: this.url.pathname,
            method: "DELETE",
            agent: this.agent,
            headers: { "mcp-session-id": this.sessionId, "mcp-protocol-version": PROTOCOL_VERSION },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve());
          },
        );
        req.setTimeout(5000, () => req.destroy());
        req.on("error", () => resolve());
        req.end();
      });
    }
    this.agent.destroy();
  }
}
