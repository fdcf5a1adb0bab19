import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { pem } from "./fixtures.js";

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  peerCN: string | undefined;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A fake API server on loopback with a real TLS certificate from the test PKI. */
export interface FakeApiServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  connections: number;
  handler: Handler;
  close(): Promise<void>;
}

export const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

export async function startFakeApiServer(
  opts: { cert?: string; key?: string; plain?: boolean; host?: string; handler?: Handler } = {},
): Promise<FakeApiServer> {
  const host = opts.host ?? "127.0.0.1";
  const state: FakeApiServer = {
    url: "",
    port: 0,
    seen: [],
    connections: 0,
    handler: opts.handler ?? ((_req, res) => json(res, 200, { kind: "NamespaceList", items: [] })),
    close: async () => {},
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
    state.seen.push({
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
      peerCN: peer && "subject" in peer && peer.subject ? String(peer.subject.CN) : undefined,
    });
    state.handler(req, res);
  };
  const server = opts.plain
    ? createServer(listener)
    : createHttpsServer(
        {
          cert: pem(opts.cert ?? "server-a.crt"),
          key: pem(opts.key ?? "server-a.key"),
          ca: pem("ca-a.crt"),
          requestCert: true,
          rejectUnauthorized: false,
        },
        listener,
      );
  server.on("connection", () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `${opts.plain ? "http" : "https"}://${host}:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A request the held API server has not answered yet. */
export interface HeldRequest {
  readonly auth: string;
  readonly res: ServerResponse;
}

/**
 * A fake API server that holds every response until the test answers it; `onCleanup` gets
 * the teardown (unanswered responses destroyed, server closed).
 */
export async function startHeldApiServer(
  onCleanup: (fn: () => Promise<void>) => void,
): Promise<{ api: FakeApiServer; held: HeldRequest[] }> {
  const held: HeldRequest[] = [];
  const api = await startFakeApiServer({
    handler: (req, res) => {
      held.push({ auth: req.headers.authorization ?? "", res });
    },
  });
  onCleanup(async () => {
    for (const h of held.splice(0)) if (!h.res.writableEnded) h.res.destroy();
    await api.close();
  });
  return { api, held };
}
