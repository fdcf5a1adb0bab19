// Raw HTTP access to a Streamable HTTP MCP endpoint, for what fetch cannot
// send: repeated header lines, exact header bytes, oversize headers.
import { request } from "node:http";
import { PACKAGE_VERSION } from "../package-root.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** JSON-RPC messages found in the body (JSON or SSE). */
  messages: Record<string, unknown>[];
}

/** Header list as [name, value] pairs; a name may repeat. */
export type RawHeaders = [string, string][];

/** A body sent as these exact bytes (for JSON that JSON.stringify cannot write, e.g. a key twice). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function rawPost(url: string, body: unknown, headers: RawHeaders, timeoutMs = 30_000) {
  return new Promise<RawResponse>((resolve, reject) => {
    const u = new URL(url);
    const payload = Buffer.from(body instanceof RawJson ? body.text : JSON.stringify(body));
    // a Host given by the caller replaces the URL's (DNS-rebinding checks)
    const ownHost = headers.some(([k]) => k.toLowerCase() === "host");
    const flat: string[] = [
      ...(ownHost ? [] : ["host", u.host]),
      "content-type",
      "application/json",
      "accept",
      "application/json, text/event-stream",
      "content-length",
      String(payload.length),
    ];
    for (const [k, v] of headers) flat.push(k, v);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: "POST",
        headers: flat,
        // one connection per request: a server that closes after a 431 must not break the next one
        agent: false,
        timeout: timeoutMs,
        maxHeaderSize: 1024 * 1024,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            messages: parseBody(text),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`raw POST timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export function parseBody(text: string): Record<string, unknown>[] {
  const t = text.trim();
  if (!t) return [];
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? v : [v];
    } catch {
      return [];
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const event of t.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (!data) continue;
    try {
      out.push(JSON.parse(data));
    } catch {
      /* keep-alive or partial */
    }
  }
  return out;
}

export const PROTOCOL_VERSION = "2025-06-18";

/** A hand-made MCP session: initialize + initialized, then raw tools/call requests. */
/** The JSON-RPC `initialize` request that clients without the SDK send first. */
export function initializeMessage(clientName: string) {
  return {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: clientName, version: PACKAGE_VERSION },
    },
  };
}

export class RawSession {
  private nextId = 1;
  private constructor(
    readonly url: string,
    readonly sessionId: string | undefined,
  ) {}

  /** `initHeaders`: only for a target that refuses initialize without cluster headers (AH-LIFE-1 workaround). */
  static async open(url: string, initHeaders?: Record<string, string>): Promise<RawSession> {
    const r = await rawPost(
      url,
      initializeMessage("auth-headers-conformance-raw"),
      Object.entries(initHeaders ?? {}),
    );
    if (r.status !== 200) throw new Error(`initialize answered HTTP ${r.status}: ${r.body.slice(0, 300)}`);
    const sid = r.headers["mcp-session-id"];
    const session = new RawSession(url, typeof sid === "string" ? sid : undefined);
    await rawPost(url, { jsonrpc: "2.0", method: "notifications/initialized" }, session.sessionHeaders());
    return session;
  }

  sessionHeaders(): RawHeaders {
    const h: RawHeaders = [["mcp-protocol-version", PROTOCOL_VERSION]];
    if (this.sessionId) h.push(["mcp-session-id", this.sessionId]);
    return h;
  }

  /** tools/call whose `_meta` is this exact JSON text. */
  async callWithMetaText(tool: string, args: Record<string, unknown>, headers: RawHeaders, metaJson: string) {
    const id = this.nextId++;
    const text = `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(tool)},"arguments":${JSON.stringify(args)},"_meta":${metaJson}}}`;
    const response = await rawPost(this.url, new RawJson(text), [...this.sessionHeaders(), ...headers]);
    return { response, message: response.messages.find((m) => m.id === id) };
  }

  /** tools/call with exactly these extra header lines (names may repeat). */
  async call(
    tool: string,
    args: Record<string, unknown>,
    headers: RawHeaders,
    meta?: Record<string, unknown>,
  ) {
    const id = this.nextId++;
    const params: Record<string, unknown> = { name: tool, arguments: args };
    if (meta) params._meta = meta;
    const response = await rawPost(this.url, { jsonrpc: "2.0", id, method: "tools/call", params }, [
      ...this.sessionHeaders(),
      ...headers,
    ]);
    const message = response.messages.find((m) => m.id === id);
    return { response, message };
  }
}

/** Text of a JSON-RPC tools/call answer, `isError` and leading code. */
export function rawOutcome(message: Record<string, unknown> | undefined) {
  if (!message) return undefined;
  if (message.error) {
    const err = message.error as { code: number; message: string };
    return { kind: "jsonrpc-error" as const, text: err.message, code: undefined, isError: true };
  }
  const result = message.result as { content?: { type: string; text?: string }[]; isError?: boolean };
  const text = (result?.content ?? [])
    .filter((c) => c.type === "text")
    .map((c) => c.text ?? "")
    .join("\n");
  return {
    kind: "result" as const,
    text,
    code: /^\s*\[([a-z-]+)\]/.exec(text)?.[1],
    isError: result?.isError === true,
  };
}
