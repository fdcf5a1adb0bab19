// Defects of the MCP lifecycle and the shape of answers (AH-LIFE, AH-SRC-3, AH-ERR, AH-ORIGIN).
import type { Faults } from "../../src/faults.js";
import type { ClusterHeaderLines } from "../../src/request/raw-headers.js";
import { VALIDATION_CODES } from "../../src/wire/constants.js";

/** remember-initialize-headers: the cluster headers of `initialize` serve later calls without any (AH-SRC-3). */
export function rememberInitializeHeaders(): Partial<Faults> {
  const kept = new Map<string, ClusterHeaderLines>();
  return {
    callHeaderLines: (lines, { sessionId, initialize }) => {
      if (sessionId === undefined) return lines;
      if (initialize) {
        if (lines.size > 0) kept.set(sessionId, lines);
        return lines;
      }
      return lines.size === 0 ? (kept.get(sessionId) ?? lines) : lines;
    },
  };
}

/** require-headers-on-initialize: `initialize` without cluster headers fails with HTTP 400 (AH-LIFE-1). */
export const requireHeadersOnInitialize: Partial<Faults> = {
  initialize: (refusal, lines) =>
    lines.size === 0 ? "[missing-header] kubernetes-server is required" : refusal,
};

/** unknown-tool-as-result: an unknown tool gets an error result, not a JSON-RPC error (AH-ERR-4). */
export const unknownToolAsResult: Partial<Faults> = {
  unknownTool: () => ({
    isError: true,
    content: [{ type: "text", text: "[invalid-argument] no such tool." }],
  }),
};

/** no-origin: results do not name their cluster (AH-ORIGIN-1/2). */
export const noOrigin: Partial<Faults> = {
  result: (result) => {
    if (result.isError) return result;
    const first = result.content[0];
    const text = first?.type === "text" ? first.text.slice(first.text.indexOf("\n") + 1) : "";
    const { cluster: _cluster, ...structured } = result.structuredContent ?? {};
    return { content: [{ type: "text", text }], structuredContent: structured };
  },
};

const REFUSALS = new Set<string>(VALIDATION_CODES);

/** jsonrpc-header-errors: refused values are JSON-RPC errors (-32602), not `isError` results (AH-ERR-1). */
export const jsonrpcHeaderErrors: Partial<Faults> = {
  result: (result, { error }) => {
    if (!error || !REFUSALS.has(error.code)) return result;
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    // A plain Error with a code: the SDK answers it as {code, message} with the message as is.
    throw Object.assign(new Error(text), { code: -32602 });
  },
};
