// Loopback fakes of broken API servers (127.0.0.1 only): one that accepts and
// never answers, one that answers slowly (headers, then a body that drips one
// byte every dripMs), one that closes the connection in the middle of the TLS
// handshake. Each close() ends every connection it holds.
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server } from "node:net";
import { closer, hangListener, type Listener, listen, track } from "../oracles/listeners.js";
import type { Pem } from "../oracles/pki.js";

/** Destroys every open connection, then closes the server. */
const tracked = (server: Server) => closer(server, track(server));

export type FaultKind = "hung" | "slow" | "mid-tls";

export interface FaultUpstream extends Listener {
  kind: FaultKind;
  /** CA (base64 PEM header value) that verifies this upstream, when it speaks TLS. */
  caHeader?: string;
  connections(): number;
}

export async function hungUpstream(): Promise<FaultUpstream> {
  const l = await hangListener("127.0.0.1");
  return { ...l, kind: "hung" };
}

/** HTTPS server that sends 200 and headers at once, then one body byte every dripMs (never in time). */
export async function slowUpstream(pem: Pem, caHeader: string, dripMs = 250): Promise<FaultUpstream> {
  let n = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createHttpsServer({ cert: pem.certPem, key: pem.keyPem }, (_req, res) => {
    n++;
    res.writeHead(200, { "content-type": "application/json" });
    const body = `{"kind":"PodList","apiVersion":"v1","items":[]${" ".repeat(200)}}`;
    let i = 0;
    const t = setInterval(() => {
      if (res.destroyed || i >= body.length) {
        clearInterval(t);
        timers.delete(t);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(body[i++]);
    }, dripMs);
    timers.add(t);
  });
  const close = tracked(server);
  const port = await listen(server, "127.0.0.1");
  return {
    kind: "slow",
    host: "127.0.0.1",
    port,
    address: `127.0.0.1:${port}`,
    caHeader,
    connections: () => n,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await close();
    },
  };
}

/** Reads the ClientHello, answers with the first bytes of a TLS record, then closes. */
export async function midTlsUpstream(): Promise<FaultUpstream> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.on("error", () => undefined);
    s.once("data", () => {
      // handshake record header announcing 512 bytes of ServerHello, then only 6 of them
      s.end(Buffer.from([0x16, 0x03, 0x03, 0x02, 0x00, 0x02, 0x00, 0x01, 0xfc, 0x03, 0x03]));
    });
  });
  const close = tracked(server);
  const port = await listen(server, "127.0.0.1");
  return {
    kind: "mid-tls",
    host: "127.0.0.1",
    port,
    address: `127.0.0.1:${port}`,
    connections: () => n,
    close,
  };
}
