// Default imports, looked up at call time, so interceptors that patch the module (msw) see our requests.
import http, { type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { ToolError } from "../errors/tool-error.js";
import { type Faults, NO_FAULTS } from "../faults.js";
import type { Destination } from "../policy/network-policy.js";
import { ERROR_CODE } from "../wire/constants.js";
import type { UpstreamClient } from "./client-pool.js";

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  readonly location: string | undefined;
}

export interface KubeRequest {
  readonly method: "GET" | "POST";
  /** Path below the server URL's own path prefix, starting with "/". */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

const MAX_BODY = 32 * 1024 * 1024;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** The exact header value sent upstream; AH-AUTH-1 says one scheme word and the token unchanged. */
export function authorizationHeader(client: UpstreamClient): string | undefined {
  const auth = client.target.auth;
  return auth.kind === "token" ? `Bearer ${auth.token}` : undefined;
}

export function buildPath(server: URL, req: KubeRequest): string {
  // A name of "." or ".." would make the path mean another resource (a URL parser silently
  // resolves it: namespaces/../pods is every pod of the cluster). Kubernetes names never are.
  if (DOT_SEGMENT.test(req.path))
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      'a name or namespace of "." or ".." is not a Kubernetes name.',
    );
  const prefix = server.pathname.replace(/\/+$/, "");
  let qs = "";
  if (req.query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (v !== undefined && v !== "") params.set(k, v);
    qs = params.toString();
  }
  return `${prefix}${req.path}${qs ? `?${qs}` : ""}`;
}

/**
 * One HTTP exchange with the API server, dialled at the address the policy approved. Never
 * follows redirects (AH-NET-3): a 3xx is returned to the caller, which reports it; the abort
 * signal bounds the whole exchange.
 */
export async function kubeRequest(
  client: UpstreamClient,
  destination: Destination,
  req: KubeRequest,
  signal: AbortSignal | undefined,
  faults: Faults = NO_FAULTS,
): Promise<KubeResponse> {
  const server = client.target.server;
  const path = buildPath(server, req);
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  const headers: Record<string, string> = {
    Accept: "application/json",
    "User-Agent": "auth-headers-reference/0.1",
  };
  const authorization = faults.authorization(authorizationHeader(client), client.target);
  if (authorization) headers.Authorization = authorization;
  if (payload) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(payload.length);
  }
  const options: RequestOptions = {
    protocol: server.protocol,
    hostname: destination.hostname,
    port: destination.port,
    method: req.method,
    path,
    headers,
    agent: client.agent,
    signal,
    // Dial the address the policy approved, so a second DNS answer cannot redirect us.
    lookup: pinnedLookup(destination),
  };
  const send = server.protocol === "http:" ? http.request : https.request;
  const response = await new Promise<KubeResponse>((resolve, reject) => {
    const outgoing = send(options, (res) => {
      readBody(res).then(
        (text) =>
          resolve({ status: res.statusCode ?? 0, body: parseJson(text), location: res.headers.location }),
        reject,
      );
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
  // Building the exchange's URL costs more than the hook on the hot path; production has none.
  if (faults.upstreamResponse === NO_FAULTS.upstreamResponse) return response;
  return faults.upstreamResponse(response, {
    client,
    url: new URL(path, server),
    request: req,
    headers,
    signal,
  });
}

function pinnedLookup(destination: Destination): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address: destination.address, family: destination.family },
      ]);
    } else callback(null, destination.address, destination.family);
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.destroy(new Error("upstream response too large"));
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("upstream response aborted")));
  });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
