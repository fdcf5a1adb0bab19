// Default imports, looked up at call time, so interceptors that patch the module (msw) see our requests.
import http, { type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { ToolError } from "../errors/tool-error.js";
import { type Faults, NO_FAULTS } from "../faults.js";
import type { ByteBudget } from "../limits/byte-budget.js";
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

/** How much of API servers' answers this server reads (see readBody). */
export interface ResponseLimits {
  /** Largest answer; beyond, [upstream-error] naming the limit. */
  readonly maxBytes: number;
  /** Shared by all answers being read, beyond the first FREE_BYTES of each. */
  readonly budget: ByteBudget;
}

/** What every answer may hold without drawing on the shared budget: all of a usual one. */
const FREE_BYTES = 64 * 1024;
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
  limits: ResponseLimits,
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
  const answer = await new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
    const outgoing = send(options, (res) => {
      readBody(res, server.host, limits).then((text) => resolve({ res, text }), reject);
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
  // A large answer is parsed, then formatted, each in a turn of its own, so the calls waiting
  // meanwhile (other tenants, timers) get the event loop in between.
  const large = answer.text.length > FREE_BYTES;
  if (large) await nextTurn();
  const response: KubeResponse = {
    status: answer.res.statusCode ?? 0,
    body: parseJson(answer.text),
    location: answer.res.headers.location,
  };
  if (large) await nextTurn();
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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The answer's text, bounded: at most `maxBytes` (an announced Content-Length beyond it is
 * refused before any byte is read), and beyond the first FREE_BYTES only while the budget
 * shared by all answers being read lasts. The answer is chosen by whoever runs the API server
 * the call names, so its size is the caller's to choose.
 */
function readBody(res: IncomingMessage, host: string, limits: ResponseLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let borrowed = 0;
    let settled = false;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      limits.budget.give(borrowed);
      if (error) {
        chunks.length = 0;
        res.destroy();
        reject(error);
      } else
        resolve(
          chunks.length === 1
            ? (chunks[0] as Buffer).toString("utf8")
            : Buffer.concat(chunks).toString("utf8"),
        );
    };
    const tooLarge = () =>
      new ToolError(
        ERROR_CODE.upstreamError,
        `the answer of ${host} is larger than ${limits.maxBytes} bytes, the most this server reads (--max-response-size).`,
      );
    if (Number(res.headers["content-length"]) > limits.maxBytes) return settle(tooLarge());
    res.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limits.maxBytes) return settle(tooLarge());
      const beyond = size - FREE_BYTES - borrowed;
      if (beyond > 0) {
        if (!limits.budget.take(beyond)) {
          return settle(
            new ToolError(
              ERROR_CODE.upstreamError,
              `the answer of ${host} was not read: answers being read at once already hold ${limits.budget.maxBytes} bytes; try again.`,
            ),
          );
        }
        borrowed += beyond;
      }
      chunks.push(chunk);
    });
    res.on("end", () => settle(undefined));
    res.on("error", (err) => settle(err));
    res.on("close", () => settle(new Error("upstream response aborted")));
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
