import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * An MCP SDK client whose fetch adds the headers of the *next* request, so a test can
 * give each tools/call its own cluster headers while sharing one session.
 */
export interface TestClient {
  client: Client;
  /** Cluster headers for every following request, until changed. */
  setHeaders(headers: Record<string, string>): void;
  callTool(
    name: string,
    args?: Record<string, unknown>,
    meta?: Record<string, unknown>,
  ): Promise<CallToolResult>;
  sentMethods: string[];
  close(): Promise<void>;
}

export async function connectClient(
  url: string,
  initialHeaders: Record<string, string> = {},
): Promise<TestClient> {
  let headers = initialHeaders;
  const sentMethods: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const h = new Headers(init?.headers);
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
      if (typeof init?.body === "string")
        sentMethods.push(String((JSON.parse(init.body) as { method?: string }).method));
      return fetch(input, { ...init, headers: h });
    },
  });
  const client = new Client({ name: "unit-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    sentMethods,
    setHeaders(next) {
      headers = next;
    },
    async callTool(name, args = {}, meta) {
      return (await client.callTool({
        name,
        arguments: args,
        ...(meta ? { _meta: meta } : {}),
      })) as CallToolResult;
    },
    close: () => client.close(),
  };
}
