import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallDeps } from "../call/run-call.js";
import { createMcpServer } from "../mcp/mcp-server.js";

/** Over stdio there are no headers: `_meta` is the only source (AH-SRC-5). */
export async function serveStdio(deps: CallDeps): Promise<{ close: () => Promise<void> }> {
  const server = createMcpServer(deps);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  return { close: () => server.close() };
}
