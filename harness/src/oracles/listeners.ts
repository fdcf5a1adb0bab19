// Loopback listeners that observe what a provider does on the network.
// Only loopback addresses are ever used (127.0.0.0/8).
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Pem } from "./pki.js";

export interface Listener {
  host: string;
  port: number;
  /** host:port */
  address: string;
  close(): Promise<void>;
}

export function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const a = server.address();
      if (a && typeof a === "object") resolve(a.port);
      else reject(new Error("no address"));
    });
  });
}

export function closer(server: Server, sockets: Set<Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

export function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

/** Counts TCP connections and closes each one at once. */
export async function tcpCanary(host = "127.0.0.2"): Promise<Listener & { connections: () => number }> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.destroy();
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, connections: () => n, close: closer(server, sockets) };
}

/** Accepts connections and never answers (a hung API server). */
export async function hangListener(host = "127.0.0.1"): Promise<Listener & { connections: () => number }> {
  let n = 0;
  const server = createServer(() => {
    n++;
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, connections: () => n, close: closer(server, sockets) };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Plain HTTP server recording requests; answers 401. */
export async function httpCanary(host = "127.0.0.1"): Promise<Listener & { requests: SeenRequest[] }> {
  const requests: SeenRequest[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    res.writeHead(401, { "content-type": "application/json" }).end('{"kind":"Status","code":401}');
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, requests, close: closer(server, sockets) };
}

/** HTTPS server recording requests; answers `status` with optional Location. */
export async function httpsRecorder(
  pem: Pem,
  opts: { host?: string; status?: number; location?: string } = {},
): Promise<Listener & { requests: SeenRequest[] }> {
  const host = opts.host ?? "127.0.0.1";
  const requests: SeenRequest[] = [];
  const server = createHttpsServer({ cert: pem.certPem, key: pem.keyPem }, (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.location) headers.location = `${opts.location}${req.url ?? ""}`;
    res.writeHead(opts.status ?? 200, headers).end("{}");
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, requests, close: closer(server, sockets) };
}

/** TCP proxy on `host` forwarding to `to` (host:port): the TLS name no longer matches. */
export async function tcpProxy(to: { host: string; port: number }, host = "127.0.0.3"): Promise<Listener> {
  const server = createServer((client) => {
    const upstream = connect(to.port, to.host);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, close: closer(server, sockets) };
}

/**
 * HTTPS "API server" whose every answer is a ConfigMap of about `bytes` bytes,
 * streamed in 64 KiB chunks (no Content-Length: a provider must count).
 */
export async function bigAnswerServer(
  pem: Pem,
  bytes: number,
  host = "127.0.0.1",
): Promise<Listener & { requests: SeenRequest[]; bigAnswers: { completed: boolean }[] }> {
  const requests: SeenRequest[] = [];
  const bigAnswers: { completed: boolean }[] = [];
  const chunk = "x".repeat(64 * 1024);
  const server = createHttpsServer({ cert: pem.certPem, key: pem.keyPem }, (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path === "/api/v1") {
      // discovery first, as a client finds its resource
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          kind: "APIResourceList",
          groupVersion: "v1",
          resources: [
            {
              name: "configmaps",
              singularName: "configmap",
              namespaced: true,
              kind: "ConfigMap",
              verbs: ["get", "list"],
            },
          ],
        }),
      );
      return;
    }
    // the object asked for, so that a provider without a limit serves it
    const name = path.split("/").pop() || "big";
    const answer = { completed: false };
    bigAnswers.push(answer);
    res.on("finish", () => {
      answer.completed = true;
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.write(
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":${JSON.stringify(name)},"namespace":"conformance"},"data":{"big":"`,
    );
    let sent = 0;
    const more = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end('"}}');
    };
    res.on("error", () => undefined);
    more();
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, requests, bigAnswers, close: closer(server, sockets) };
}

/**
 * HTTPS reverse proxy serving the API server under a path prefix (as API
 * gateways do): strips `prefix` and forwards the request, headers included,
 * to `upstream` (verified with `upstreamCa`).
 */
export async function prefixProxy(
  pem: Pem,
  upstream: string,
  upstreamCa: string,
  prefix: string,
  host = "127.0.0.1",
): Promise<Listener & { requests: SeenRequest[] }> {
  const { request } = await import("node:https");
  const requests: SeenRequest[] = [];
  const up = new URL(upstream);
  const server = createHttpsServer({ cert: pem.certPem, key: pem.keyPem }, (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const url = req.url ?? "/";
    if (!url.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const headers = { ...req.headers, host: up.host };
    const out = request(
      {
        host: up.hostname,
        port: up.port,
        path: url.slice(prefix.length),
        method: req.method,
        headers,
        ca: upstreamCa,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, requests, close: closer(server, sockets) };
}
