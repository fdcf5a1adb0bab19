import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { type CallDeps, runCall } from "../call/run-call.js";
import type { ClusterHeaderLines } from "../request/raw-headers.js";
import { TOOLS } from "../tools/index.js";

/** Key under which the HTTP layer hands a request's cluster header lines to the handler. */
export const CLUSTER_HEADER_LINES = "authHeadersClusterLines";
/** Key of the JSON-RPC id the client gave (transports may renumber requests), for log lines. */
export const CLIENT_REQUEST_ID = "authHeadersClientRequestId";

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/**
 * One MCP Server per session (or per request when stateless). It holds no cluster
 * state: header lines arrive with each call through `extra.authInfo.extra`.
 */
export function createMcpServer(deps: CallDeps): Server {
  const server = new Server(
    { name: "auth-headers-reference", version: "0.1.0" },
    {
      capabilities: { tools: {} },
      instructions:
        "Every tool call names its own Kubernetes cluster (headers or _meta). Each successful result starts with a line 'cluster: <host> ca:<fingerprint>'; results of different calls may come from different clusters.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: READ_ONLY,
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) {
      if (deps.defects.has("unknown-tool-as-result")) {
        return {
          isError: true,
          content: [{ type: "text" as const, text: "[invalid-argument] no such tool." }],
        };
      }
      throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    }
    const headerLines = extra.authInfo?.extra?.[CLUSTER_HEADER_LINES] as ClusterHeaderLines | undefined;
    const clientRequestId = extra.authInfo?.extra?.[CLIENT_REQUEST_ID] as string | number | undefined;
    return runCall(
      {
        tool,
        args: request.params.arguments,
        meta: request.params._meta as Record<string, unknown> | undefined,
        headerLines,
        requestId: clientRequestId ?? extra.requestId,
        sessionId: extra.sessionId,
        cancelled: extra.signal,
      },
      deps,
    );
  });
  return server;
}
