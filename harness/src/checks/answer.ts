// What came back for one request, in the few shapes a provider can answer in.
// Checks judge this, never the SDK's exception types: a refusal may arrive as
// an isError result, a JSON-RPC error or an HTTP status, and only AH-ERR-1
// cares which.
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { ERROR_CODE } from "../../../reference-server/src/wire/constants.js";
import type { AnswerKind } from "../report/model.js";

export interface Answer {
  kind: AnswerKind;
  /** Full text of the result, the JSON-RPC error message, the HTTP body, or the transport error. */
  text: string;
  /** `[code]` at the start of an isError result. */
  code?: string;
  /** JSON-RPC error code or HTTP status. */
  status?: number;
  result?: CallToolResult;
  durationMs: number;
}

export const CODE_AT_START = /^\s*\[([a-z-]+)\]/;

export function resultAnswer(result: CallToolResult, durationMs: number): Answer {
  const text = (result.content ?? [])
    .filter((c): c is { type: "text"; text: string } => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  if (result.isError !== true) return { kind: "result", text, result, durationMs };
  return { kind: "tool-error", text, code: CODE_AT_START.exec(text)?.[1], result, durationMs };
}

/** The SDK client's exception for a request, as an answer (or no answer at all). */
export function errorAnswer(err: unknown, durationMs: number): Answer {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof McpError) {
    // The SDK reports its own timeout and a dead stdio peer as McpErrors: nothing came back.
    // (matched by message too: a server may send -32000 as an ordinary error of its own).
    const clientSide =
      (e.code === ErrorCode.RequestTimeout && /Request timed out/.test(e.message)) ||
      (e.code === ErrorCode.ConnectionClosed && /Connection closed/.test(e.message));
    if (clientSide) return { kind: "no-answer", text: e.message, durationMs };
    return {
      kind: "jsonrpc-error",
      text: e.message.replace(/^MCP error -?\d+: /, ""),
      status: e.code,
      durationMs,
    };
  }
  if (e instanceof StreamableHTTPError && typeof e.code === "number" && e.code >= 100)
    return { kind: "http-error", text: e.message, status: e.code, durationMs };
  return { kind: "no-answer", text: describeTransportError(e), durationMs };
}

/** A raw JSON-RPC message (or HTTP response without one) as an answer. */
export function rawAnswer(
  response: { status: number; body: string } | undefined,
  message: Record<string, unknown> | undefined,
  error: Error | undefined,
  durationMs: number,
): Answer {
  if (error) return { kind: "no-answer", text: describeTransportError(error), durationMs };
  if (message?.error) {
    const err = message.error as { code?: number; message?: string };
    return { kind: "jsonrpc-error", text: err.message ?? "", status: err.code, durationMs };
  }
  if (message?.result) return resultAnswer(message.result as CallToolResult, durationMs);
  const status = response?.status ?? 0;
  return { kind: "http-error", text: (response?.body ?? "").slice(0, 2000), status, durationMs };
}

function describeTransportError(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${e.message} (${cause.code})` : e.message;
}

/** Did the provider answer at all (a result, an error in any form)? */
export const answered = (a: Answer) => a.kind !== "no-answer";
/** A refusal in any form: an error result, a JSON-RPC error or an HTTP 4xx. */
export const refusedInAnyForm = (a: Answer) =>
  a.kind === "tool-error" ||
  a.kind === "jsonrpc-error" ||
  (a.kind === "http-error" && (a.status ?? 0) >= 400 && (a.status ?? 0) < 500);

/**
 * The request reached the API server past TLS: a result, or an answer only an API server
 * gives (401, 403, 404), whatever the credential was worth. A broken identity must not
 * hide a certificate the provider should have refused.
 */
export const answeredByApiServer = (a: Answer) =>
  a.kind === "result" ||
  (a.kind === "tool-error" &&
    (a.code === ERROR_CODE.unauthorized ||
      a.code === ERROR_CODE.forbidden ||
      a.code === ERROR_CODE.notFound));

export function describeAnswer(a: Answer | undefined): string {
  if (!a) return "no call was made";
  const first = a.text.split("\n")[0]?.slice(0, 200) ?? "";
  switch (a.kind) {
    case "result":
      return `a successful result: ${first}`;
    case "tool-error":
      return `an isError result: ${first}`;
    case "jsonrpc-error":
      return `a JSON-RPC error ${a.status ?? ""}: ${first}`;
    case "http-error":
      return `HTTP ${a.status}: ${first}`;
    default:
      return `no answer: ${first}`;
  }
}

/** An answer of the lean load client (load, fault and fuzz engines). */
export function leanAnswer(r: {
  kind: string;
  isError: boolean;
  text: string;
  status: number;
  durationMs: number;
}): Answer {
  if (r.kind === "jsonrpc-error") return { kind: "jsonrpc-error", text: r.text, durationMs: r.durationMs };
  if (r.kind === "result")
    return r.isError
      ? { kind: "tool-error", text: r.text, code: CODE_AT_START.exec(r.text)?.[1], durationMs: r.durationMs }
      : { kind: "result", text: r.text, durationMs: r.durationMs };
  return { kind: "http-error", text: r.text, status: r.status, durationMs: r.durationMs };
}
