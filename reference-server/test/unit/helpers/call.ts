import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type CallDeps, runCall } from "../../../src/call/run-call.js";
import { clusterHeaderLines } from "../../../src/request/raw-headers.js";
import { TOOLS } from "../../../src/tools/index.js";

export interface CallSpec {
  tool?: string;
  args?: Record<string, unknown>;
  headers?: Record<string, string> | string[];
  meta?: Record<string, unknown>;
  /** As the transports report a `_meta` key written twice in the JSON text. */
  metaDuplicateKey?: string;
}

export async function call(deps: CallDeps, spec: CallSpec): Promise<CallToolResult> {
  const tool = TOOLS.find((t) => t.name === (spec.tool ?? "namespaces_list"));
  if (!tool) throw new Error(`no tool ${spec.tool}`);
  const rawHeaders = Array.isArray(spec.headers) ? spec.headers : Object.entries(spec.headers ?? {}).flat();
  return runCall(
    {
      tool,
      args: spec.args ?? {},
      meta: spec.meta,
      metaDuplicateKey: spec.metaDuplicateKey,
      headerLines: clusterHeaderLines(rawHeaders),
      requestId: 1,
    },
    deps,
  );
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** The `[code]` a failed result starts with, or "ok". */
export function codeOf(result: CallToolResult): string {
  if (!result.isError) return "ok";
  return /^\[([a-z-]+)\]/.exec(textOf(result))?.[1] ?? `unexpected: ${textOf(result)}`;
}
