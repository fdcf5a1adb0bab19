// Default imports, looked up at call time, so interceptors that patch the module (msw) see our requests.
import http, { type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Defects } from "../defects.js";
import type { Destination } from "../policy/network-policy.js";
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
const MAX_REDIRECTS = 5;

/** The exact header value sent upstream; AH-AUTH-1 says one scheme word and the token unchanged. */
export function authorizationHeader(client: UpstreamClient, defects: Defects): string | undefined {
  const auth = client.target.auth;
  if (auth.kind !== "token") return undefined;
  return defects.has("bearer-bearer") ? `Bearer Bearer ${auth.token}` : `Bearer ${auth.token}`;
}

export function buildPath(server: URL, req: KubeRequest): string {
  const prefix = server.pathname.replace(/\/+$/, "");
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== "") params.set(k, v);
  const qs = params.toString();
  return `${prefix}${req.path}${qs ? `?${qs}` : ""}`;
}

/**
 * One HTTP exchange with the API server. Never follows redirects (AH-NET-3): a 3xx is
 * returned to the caller, which reports it; the abort signal bounds the whole exchange.
 */
export async function kubeRequest(
  client: UpstreamClient,
  destination: Destination,
  req: KubeRequest,
  signal: AbortSignal | undefined,
  defects: Defects,
): Promise<KubeResponse> {
  const first = new URL(buildPath(client.target.server, req), client.target.server);
  let res = await exchange(client, first, destination, req, signal, defects);
  let current = first;
  for (let hops = 0; defects.has("follow-redirects") && isRedirect(res.status) && res.location; hops++) {
    if (hops >= MAX_REDIRECTS) break;
    current = new URL(res.location, current);
    res = await exchange(client, current, undefined, req, signal, defects);
  }
  return res;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** `destination` undefined only on the defect's redirect hops, which skip the policy entirely. */
function exchange(
  client: UpstreamClient,
  url: URL,
  destination: Destination | undefined,
  req: KubeRequest,
  signal: AbortSignal | undefined,
  defects: Defects,
): Promise<KubeResponse> {
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  const headers: Record<string, string> = {
    Accept: "application/json",
    "User-Agent": "auth-headers-reference/0.1",
  };
  const authorization = authorizationHeader(client, defects);
  if (authorization) headers.Authorization = authorization;
  if (payload) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(payload.length);
  }
  const options: RequestOptions = {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port || (url.protocol === "http:" ? 80 : 443),
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers,
    // The agent holds this tuple's TLS settings; a protocol switch (defect only) gets a fresh one.
    agent: url.protocol === client.target.server.protocol ? client.agent : undefined,
    signal,
  };
  // Dial the address the policy approved, so a second DNS answer cannot redirect us.
  if (destination) options.lookup = pinnedLookup(destination);
  const send = url.protocol === "http:" ? http.request : https.request;
  return new Promise<KubeResponse>((resolve, reject) => {
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
