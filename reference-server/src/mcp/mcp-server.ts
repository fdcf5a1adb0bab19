import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { Protocol, type RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import * as z4 from "zod/v4";
import { type CallDeps, runCall } from "../call/run-call.js";
import type { ClusterHeaderLines } from "../request/raw-headers.js";
import { TOOLS } from "../tools/index.js";
import { isObject } from "../transport/jsonrpc.js";
import { SERVER_VERSION } from "../version.js";
import { HEADER } from "../wire/constants.js";

/** Key under which the HTTP layer hands a request's cluster header lines to the handler. */
export const CLUSTER_HEADER_LINES = "authHeadersClusterLines";
/** Key of the JSON-RPC id the client gave (transports may renumber requests), for log lines. */
export const CLIENT_REQUEST_ID = "authHeadersClientRequestId";
/** Key of a `_meta` key the request's JSON text held twice (see request/meta-duplicates.ts). */
export const META_DUPLICATE_KEY = "authHeadersMetaDuplicate";

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/**
 * One MCP Server per session (one for all POSTs when stateless). It holds no cluster
 * state: header lines arrive with each call through `extra.authInfo.extra`.
 */
export function createMcpServer(deps: CallDeps): Server {
  const server = new Server(
    { name: "auth-headers-reference", version: SERVER_VERSION },
    {
      capabilities: { tools: {} },
      instructions: deps.targets.contextArgument
        ? `Every tool call names one of this server's clusters in its "${deps.targets.contextArgument.name}" argument and brings the caller's bearer token in the Authorization or ${HEADER.authorization} header. Each successful result starts with a line 'cluster: <host> ca:<fingerprint> context:<name>'.`
        : "Every tool call names its own Kubernetes cluster (headers or _meta). Each successful result starts with a line 'cluster: <host> ca:<fingerprint>'; results of different calls may come from different clusters.",
    },
  );
  const context = deps.targets.contextArgument;
  const tools = TOOLS.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: context
      ? {
          ...t.inputSchema,
          properties: {
            ...t.inputSchema.properties,
            [context.name]: { type: "string", description: context.description },
          },
          required: [...(t.inputSchema.required ?? []), context.name],
        }
      : t.inputSchema,
    annotations: READ_ONLY,
  }));
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  registerWithoutResultParse(server, ToolsCallEnvelope, async (request, extra) => {
    const params = toolsCallParams(request.params);
    const tool = TOOLS.find((t) => t.name === params.name);
    if (!tool) {
      const result = deps.faults.unknownTool(undefined, params.name);
      if (result) return result;
      throw new McpError(ErrorCode.InvalidParams, `Tool ${params.name} not found`);
    }
    const headerLines = extra.authInfo?.extra?.[CLUSTER_HEADER_LINES] as ClusterHeaderLines | undefined;
    const clientRequestId = extra.authInfo?.extra?.[CLIENT_REQUEST_ID] as string | number | undefined;
    const metaDuplicateKey = extra.authInfo?.extra?.[META_DUPLICATE_KEY] as string | undefined;
    return runCall(
      {
        tool,
        args: params.arguments,
        meta: params._meta,
        metaDuplicateKey,
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

/** Only the method: params are checked by toolsCallParams, so the request is parsed once. */
const ToolsCallEnvelope = z4.object({ method: z4.literal("tools/call"), params: z4.unknown() });

type ToolsCallHandler = (
  request: z4.infer<typeof ToolsCallEnvelope>,
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
) => Promise<CallToolResult>;

/**
 * tools/call is registered on the SDK's Protocol layer (routing, cancellation, error replies)
 * rather than through Server#setRequestHandler, whose tools/call wrapper parses every request
 * a second and third time and every result once more with zod: ≈ 0.05 ms of CPU per call,
 * 7 % of the server's CPU on the benchmark, to re-check results this module builds from fixed
 * shapes (and that SDK clients validate on receipt, as every transport test does).
 */
function registerWithoutResultParse(
  server: Server,
  schema: typeof ToolsCallEnvelope,
  handler: ToolsCallHandler,
): void {
  (Protocol.prototype.setRequestHandler as (this: Server, s: unknown, h: unknown) => void).call(
    server,
    schema,
    handler,
  );
}

interface ToolsCallParams {
  name: string;
  arguments: Record<string, unknown> | undefined;
  _meta: Record<string, unknown> | undefined;
}

/** The checks of the SDK's CallToolRequestSchema, with its error (InvalidParams). */
function toolsCallParams(params: unknown): ToolsCallParams {
  const p = params as Partial<Record<string, unknown>> | undefined;
  const bad = (why: string) => new McpError(ErrorCode.InvalidParams, `Invalid tools/call request: ${why}`);
  if (!isObject(p)) throw bad("params must be an object.");
  if (typeof p.name !== "string") throw bad("params.name must be a string.");
  if (p.arguments !== undefined && !isObject(p.arguments)) throw bad("params.arguments must be an object.");
  if (p._meta !== undefined && !isObject(p._meta)) throw bad("params._meta must be an object.");
  return {
    name: p.name,
    arguments: p.arguments as Record<string, unknown> | undefined,
    _meta: p._meta as Record<string, unknown> | undefined,
  };
}
