import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/** One JSON-RPC message of a POST body, sorted by what the transport must do with it. */
export type Incoming =
  | {
      readonly kind: "request";
      readonly message: JSONRPCRequest;
      /** A `_meta` key its JSON text holds twice (see meta-duplicates.ts). */
      readonly metaDuplicate?: string;
    }
  | { readonly kind: "notification"; readonly message: JSONRPCNotification }
  | { readonly kind: "response"; readonly message: JSONRPCResultResponse | JSONRPCErrorResponse };

const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);
const NOTIFICATION_KEYS = new Set(["jsonrpc", "method", "params"]);
const RESULT_KEYS = new Set(["jsonrpc", "id", "result"]);
const ERROR_KEYS = new Set(["jsonrpc", "id", "error"]);
const RELATED_TASK = "io.modelcontextprotocol/related-task";

/**
 * Accepts exactly what the SDK's JSONRPCMessageSchema accepts (strict envelopes, `_meta`
 * shapes; a property test holds the two equal), by plain property tests. The SDK's own
 * transport and Protocol run zod parses and failing probes that build ZodErrors on every
 * message, which were the largest single CPU cost per call. Being no looser matters: a
 * message the SDK would not recognise as a request would never be answered.
 */
export function classify(value: unknown): Incoming | undefined {
  if (!isObject(value) || value.jsonrpc !== "2.0") return undefined;
  if ("method" in value) {
    if (typeof value.method !== "string" || !paramsOk(value.params)) return undefined;
    if ("id" in value) {
      if (!isRequestId(value.id) || !keysIn(value, REQUEST_KEYS)) return undefined;
      return { kind: "request", message: value as unknown as JSONRPCRequest };
    }
    if (!keysIn(value, NOTIFICATION_KEYS)) return undefined;
    return { kind: "notification", message: value as unknown as JSONRPCNotification };
  }
  if ("result" in value) {
    if (!isRequestId(value.id) || !isObject(value.result) || !keysIn(value, RESULT_KEYS)) return undefined;
    if (value.result._meta !== undefined && !metaOk(value.result._meta)) return undefined;
    return { kind: "response", message: value as unknown as JSONRPCResultResponse };
  }
  const e = value.error;
  if (!isObject(e) || !Number.isSafeInteger(e.code) || typeof e.message !== "string") return undefined;
  if (value.id !== undefined && !isRequestId(value.id)) return undefined;
  if (!keysIn(value, ERROR_KEYS)) return undefined;
  return { kind: "response", message: value as unknown as JSONRPCErrorResponse };
}

export function isRequestId(v: unknown): v is RequestId {
  return typeof v === "string" || Number.isSafeInteger(v);
}

export function isResponse(m: JSONRPCMessage): m is JSONRPCResultResponse | JSONRPCErrorResponse {
  return !("method" in m) && ("result" in m || "error" in m);
}

function paramsOk(params: unknown): boolean {
  if (params === undefined) return true;
  if (!isObject(params)) return false;
  return params._meta === undefined || metaOk(params._meta);
}

function metaOk(meta: unknown): boolean {
  if (!isObject(meta)) return false;
  if (meta.progressToken !== undefined && !isRequestId(meta.progressToken)) return false;
  const task = meta[RELATED_TASK];
  return task === undefined || (isObject(task) && typeof task.taskId === "string");
}

function keysIn(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
