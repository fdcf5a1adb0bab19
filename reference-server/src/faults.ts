// The one seam through which the test-only faulty entry point (test/faulty/) bends this
// server, so the conformance suite can prove that each of its checks can fail. Production
// modules never name a fault: they hand the value they computed to a hook and use what comes
// back. NO_FAULTS hands everything back unchanged, and the production command line has no way
// to pass anything else.

import type { Server as NodeServer } from "node:http";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolError } from "./errors/tool-error.js";
import type { AddressVerdict } from "./policy/address.js";
import type { ClusterTarget } from "./request/cluster-target.js";
import type { ClusterHeaderLines } from "./request/raw-headers.js";
import type { CallSource, RawTuple } from "./request/source.js";
import type { ReferenceServerOptions } from "./server.js";
import type { HttpRefusal } from "./transport/admission.js";
import type { UpstreamClient } from "./upstream/client-pool.js";
import type { KubeRequest, KubeResponse } from "./upstream/kube-request.js";

/** Source selection: which raw fields make up the call's tuple (AH-SRC). */
export type SelectTuple = (call: CallSource) => RawTuple | Promise<RawTuple>;

/** Validation of the raw fields into a target (AH-HDR), refusals thrown as ToolErrors. */
export type ValidateTuple = (raw: RawTuple, call: CallSource) => ClusterTarget;

/** The TLS settings of one tuple's upstream connections. */
export interface UpstreamTls {
  readonly ca: string | undefined;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
}

/** One upstream HTTP exchange as it was sent, for hooks that act on its answer. */
export interface UpstreamExchange {
  readonly client: UpstreamClient;
  /** Where the request went: the server URL with the request's path and query. */
  readonly url: URL;
  readonly request: KubeRequest;
  /** The request headers as sent, Authorization included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal | undefined;
}

/** How a call ended, for the hook that shapes its result. */
export interface CallOutcome {
  readonly tool: string;
  readonly target: ClusterTarget | undefined;
  readonly error: ToolError | undefined;
}

/** Which POST the cluster header lines came with. */
export interface HeaderLinesContext {
  /** The MCP session (stateful HTTP), or undefined. */
  readonly sessionId: string | undefined;
  readonly initialize: boolean;
}

/**
 * Every hook receives the value production computed (for the `*Tuple` hooks: the production
 * function) and returns the one to use.
 */
export interface Faults {
  /** The server's effective options, once, at creation. */
  settings(options: ReferenceServerOptions): ReferenceServerOptions;
  /** The Node HTTP server, once, before it listens. */
  httpServer(server: NodeServer): NodeServer;
  /** The refusal of an HTTP request before its body is read (header lines, Host, Origin), or undefined. */
  admission(refusal: HttpRefusal | undefined, rawHeaders: readonly string[]): HttpRefusal | undefined;
  /** The refusal text of an `initialize` POST (production: none, AH-LIFE-1). */
  initialize(refusal: string | undefined, lines: ClusterHeaderLines): string | undefined;
  /** The cluster header lines the calls of one POST see (production: that POST's own). */
  callHeaderLines(lines: ClusterHeaderLines, context: HeaderLinesContext): ClusterHeaderLines;
  selectTuple(select: SelectTuple): SelectTuple;
  validateTuple(validate: ValidateTuple): ValidateTuple;
  /** Why an address is refused before connecting (AH-NET-2), or undefined. */
  addressVerdict(verdict: AddressVerdict, address: string): AddressVerdict;
  /** The key under which a tuple's connections are reused (AH-CONN-1). */
  poolKey(key: string, target: ClusterTarget): string;
  tlsOptions(options: UpstreamTls, target: ClusterTarget): UpstreamTls;
  /** The Authorization header sent upstream, or undefined for none (AH-AUTH-1/2). */
  authorization(value: string | undefined, target: ClusterTarget): string | undefined;
  upstreamResponse(response: KubeResponse, exchange: UpstreamExchange): KubeResponse | Promise<KubeResponse>;
  /** The tools/call result; a hook may also throw, which the SDK answers as a JSON-RPC error. */
  result(result: CallToolResult, outcome: CallOutcome): CallToolResult;
  /** The one log line of a call (AH-SEC-2). */
  logLine(line: Record<string, unknown>, target: ClusterTarget | undefined): Record<string, unknown>;
  /** The refusal of a tool argument that is not a valid Kubernetes name (AH-ERR-5), or undefined. */
  argumentNames(refusal: ToolError | undefined, tool: string): ToolError | undefined;
  /** A result for a call of an unknown tool instead of the JSON-RPC error (AH-ERR-4), or undefined. */
  unknownTool(result: CallToolResult | undefined, name: string): CallToolResult | undefined;
}

const same = <T>(value: T): T => value;

export const NO_FAULTS: Faults = Object.freeze({
  settings: same,
  httpServer: same,
  admission: same,
  initialize: same,
  callHeaderLines: same,
  selectTuple: same,
  validateTuple: same,
  addressVerdict: same,
  poolKey: same,
  tlsOptions: same,
  authorization: same,
  upstreamResponse: same,
  result: same,
  logLine: same,
  unknownTool: same,
  argumentNames: same,
});
