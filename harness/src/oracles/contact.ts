// The contact witness: a TCP forwarder in front of one cluster, per scenario, that
// records every connection the provider opens and every byte it sends or receives, with
// timestamps. It proves "the provider did not contact the cluster during this call"
// without any credential: a request that fails authentication leaves no identity in
// the audit log, but it still crosses this forwarder (issue 17, docs/design.md
// "Contact witness"). Only loopback addresses are ever used.
import { connect, createServer, type Socket } from "node:net";
import { closer, type Listener, listen, track } from "./listeners.js";

/** Bytes seen on one connection at one moment (one socket `data` event). */
export interface Chunk {
  readonly atEpochMs: number;
  readonly bytes: number;
}

export interface ConnectionRecord {
  readonly id: number;
  readonly openedAtEpochMs: number;
  closedAtEpochMs: number | undefined;
  /** Who closed first: the provider (client side) or the cluster; undefined while open. */
  closedBy: "provider" | "cluster" | undefined;
  /** Provider → cluster. */
  readonly sent: Chunk[];
  /** Cluster → provider. */
  readonly received: Chunk[];
}

export interface ContactWindow {
  readonly startEpochMs: number;
  readonly endEpochMs: number;
}

/** One connection as it took part in a window. */
export interface ConnectionInWindow {
  readonly id: number;
  /** Opened during the window (a dial is contact even with no byte sent). */
  readonly opened: boolean;
  readonly bytesFromProvider: number;
  readonly bytesToProvider: number;
  /** The provider's only bytes in the window were its last few before it closed the connection. */
  readonly teardownOnly: boolean;
}

export interface Contact {
  readonly window: ContactWindow;
  readonly newConnections: number;
  /** Provider → cluster, on every connection, during the window (teardown bytes excluded). */
  readonly bytesFromProvider: number;
  /** The part of bytesFromProvider sent on connections opened before the window. */
  readonly bytesOnExisting: number;
  readonly bytesToProvider: number;
  /** Only connections with something in the window (opened, or bytes either way). */
  readonly connections: readonly ConnectionInWindow[];
}

/**
 * A provider closing an idle pooled connection during a window sends at most a TLS
 * close_notify alert (24–31 bytes) and a FIN: not a request. Anything above this many
 * bytes before the close is contact.
 */
export const TEARDOWN_MAX_BYTES = 64;

export class ContactLog {
  readonly connections: ConnectionRecord[] = [];
  constructor(private readonly now: () => number = Date.now) {}

  opened(): ConnectionRecord {
    const c: ConnectionRecord = {
      id: this.connections.length + 1,
      openedAtEpochMs: this.now(),
      closedAtEpochMs: undefined,
      closedBy: undefined,
      sent: [],
      received: [],
    };
    this.connections.push(c);
    return c;
  }

  sent(c: ConnectionRecord, bytes: number): void {
    c.sent.push({ atEpochMs: this.now(), bytes });
  }

  received(c: ConnectionRecord, bytes: number): void {
    c.received.push({ atEpochMs: this.now(), bytes });
  }

  closed(c: ConnectionRecord, by: "provider" | "cluster"): void {
    if (c.closedAtEpochMs !== undefined) return;
    c.closedAtEpochMs = this.now();
    c.closedBy = by;
  }

  /** What the provider did to this cluster in `window` (both ends inclusive). */
  contactDuring(window: ContactWindow): Contact {
    return contactDuring(this.connections, window);
  }
}

const within = (t: number, w: ContactWindow) => t >= w.startEpochMs && t <= w.endEpochMs;
const sum = (chunks: readonly Chunk[], w: ContactWindow) =>
  chunks.reduce((n, c) => (within(c.atEpochMs, w) ? n + c.bytes : n), 0);

/** Pure: the window's view of recorded connections. */
export function contactDuring(records: readonly ConnectionRecord[], window: ContactWindow): Contact {
  const connections: ConnectionInWindow[] = [];
  let newConnections = 0;
  let bytesFromProvider = 0;
  let bytesOnExisting = 0;
  let bytesToProvider = 0;
  for (const c of records) {
    const opened = within(c.openedAtEpochMs, window);
    const sent = sum(c.sent, window);
    const received = sum(c.received, window);
    if (!opened && sent === 0 && received === 0) continue;
    const teardownOnly =
      !opened &&
      sent > 0 &&
      sent <= TEARDOWN_MAX_BYTES &&
      received === 0 &&
      c.closedBy === "provider" &&
      c.closedAtEpochMs !== undefined &&
      within(c.closedAtEpochMs, window);
    connections.push({ id: c.id, opened, bytesFromProvider: sent, bytesToProvider: received, teardownOnly });
    if (opened) newConnections++;
    if (!teardownOnly) {
      bytesFromProvider += sent;
      if (!opened) bytesOnExisting += sent;
    }
    bytesToProvider += received;
  }
  return { window, newConnections, bytesFromProvider, bytesOnExisting, bytesToProvider, connections };
}

export type ContactProxy = Listener & { readonly log: ContactLog };

/**
 * A TCP forwarder on `host` to `to` that records contact. It replaces `tcpProxy` where a
 * scenario's address of a cluster is opened; bytes are forwarded unchanged.
 */
export async function contactProxy(
  to: { host: string; port: number },
  host = "127.0.0.1",
  now: () => number = Date.now,
): Promise<ContactProxy> {
  const log = new ContactLog(now);
  const server = createServer((client: Socket) => {
    const record = log.opened();
    const upstream = connect(to.port, to.host);
    client.on("data", (d: Buffer) => {
      log.sent(record, d.length);
      if (!upstream.write(d)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    upstream.on("data", (d: Buffer) => {
      log.received(record, d.length);
      if (!client.write(d)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    client.on("end", () => {
      log.closed(record, "provider");
      upstream.end();
    });
    upstream.on("end", () => {
      log.closed(record, "cluster");
      client.end();
    });
    const end = (by: "provider" | "cluster") => () => {
      log.closed(record, by);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end("provider"));
    upstream.on("error", end("cluster"));
    client.on("close", end("provider"));
    upstream.on("close", end("cluster"));
  });
  const sockets = track(server);
  const port = await listen(server, host);
  return { host, port, address: `${host}:${port}`, log, close: closer(server, sockets) };
}
