import type { CallDeps } from "../call/run-call.js";
import { createMcpServer } from "../mcp/mcp-server.js";
import { StdioTransport } from "./stdio-transport.js";

/** Over stdio there are no headers: `_meta` is the only source (AH-SRC-5). */
export async function serveStdio(
  deps: CallDeps,
  maxMessageBytes: number,
): Promise<{ close: () => Promise<void> }> {
  const server = createMcpServer(deps);
  await server.connect(new StdioTransport(maxMessageBytes));
  return { close: () => server.close() };
}
