// MCP client whose HTTP headers are chosen per call: the custom `fetch` reads
// the headers of the current call from an AsyncLocalStorage, so two calls of
// one session can carry different clusters and credentials.
import { AsyncLocalStorage } from "node:async_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { PACKAGE_VERSION } from "../package-root.js";

export type Headers = Record<string, string>;

export interface CallOptions {
  /** kubernetes-* HTTP headers of this call only. */
  headers?: Headers;
  /** `params._meta` of this call. */
  meta?: Record<string, unknown>;
  timeoutMs?: number;
}

export interface ToolOutcome {
  result: CallToolResult;
  text: string;
  isError: boolean;
  /** `[code]` at the start of the text, when present. */
  code?: string;
  durationMs: number;
}

export function outcomeOf(result: CallToolResult, durationMs: number): ToolOutcome {
  const text = (result.content ?? [])
    .filter((c): c is { type: "text"; text: string } => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  const code = /^\s*\[([a-z-]+)\]/.exec(text)?.[1];
  return { result, text, isError: result.isError === true, code, durationMs };
}

const callHeaders = new AsyncLocalStorage<Headers>();

/** fetch that merges the headers of the current call (if any) into each request. */
export function perCallFetch(base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const extra = callHeaders.getStore();
    if (!extra || Object.keys(extra).length === 0) return base(input, init);
    const h = new globalThis.Headers(init?.headers);
    for (const [k, v] of Object.entries(extra)) h.set(k, v);
    return base(input, { ...init, headers: h });
  };
}

export function withHeaders<T>(headers: Headers | undefined, fn: () => Promise<T>): Promise<T> {
  return callHeaders.run(headers ?? {}, fn);
}

export class McpSession {
  private constructor(
    readonly client: Client,
    private readonly closer: () => Promise<void>,
  ) {}

  /** Connects over Streamable HTTP; `initHeaders` are sent with `initialize` only. */
  static async http(url: string, opts: { initHeaders?: Headers; fetchImpl?: typeof fetch } = {}) {
    const client = new Client({ name: "auth-headers-conformance", version: PACKAGE_VERSION });
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      fetch: perCallFetch(opts.fetchImpl),
    });
    await withHeaders(opts.initHeaders, () => client.connect(transport));
    return new McpSession(client, async () => {
      try {
        await transport.terminateSession();
      } catch {
        /* stateless servers have no session to end */
      }
      await client.close();
    });
  }

  /** Connects over stdio to a command run through the shell. */
  static async stdio(command: string, opts: { cwd?: string; env?: Record<string, string> } = {}) {
    const client = new Client({ name: "auth-headers-conformance", version: PACKAGE_VERSION });
    const transport = new StdioClientTransport({
      command: "/bin/sh",
      args: ["-c", `exec ${command}`],
      cwd: opts.cwd,
      env: opts.env,
      stderr: "pipe",
    });
    const chunks: string[] = [];
    transport.stderr?.on("data", (d: Buffer) => chunks.push(d.toString()));
    await client.connect(transport);
    const s = new McpSession(client, () => client.close());
    s.stderrText = () => chunks.join("");
    return s;
  }

  stderrText: () => string = () => "";

  async call(tool: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<ToolOutcome> {
    const t0 = performance.now();
    const result = await this.callRaw(tool, args, opts);
    return outcomeOf(result, performance.now() - t0);
  }

  /** tools/call, answering the SDK's result (or throwing its error). */
  callRaw(tool: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<CallToolResult> {
    const params: Record<string, unknown> = { name: tool, arguments: args };
    if (opts.meta) params._meta = opts.meta;
    return withHeaders(opts.headers, () =>
      this.client.request({ method: "tools/call", params }, CallToolResultSchema, {
        timeout: opts.timeoutMs ?? 60_000,
      }),
    );
  }

  async listTools(headers?: Headers): Promise<string[]> {
    const r = await withHeaders(headers, () => this.client.listTools());
    return r.tools.map((t) => t.name);
  }

  async ping(headers?: Headers): Promise<void> {
    await withHeaders(headers, () => this.client.ping());
  }

  close(): Promise<void> {
    return this.closer();
  }
}
