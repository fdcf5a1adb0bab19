// The contact witness on real loopback sockets: a TCP server stands in for a cluster,
// a client stands in for the provider, the forwarder records what crosses it.
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  attributeShared,
  clustersReached,
  describeContact,
  judgeNoContact,
} from "../../src/checks/contact.js";
import {
  type ConnectionRecord,
  contactDuring,
  contactProxy,
  TEARDOWN_MAX_BYTES,
} from "../../src/oracles/contact.js";
import { listen } from "../../src/oracles/listeners.js";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** An echo server on loopback: every byte comes back. */
async function echoServer(): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("data", (d) => s.write(d));
    s.on("error", () => undefined);
  });
  const port = await listen(server, "127.0.0.1");
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
    cleanup.push(() => void s.destroy());
  });
}

/** Sends `n` bytes and waits for them to come back through the forwarder. */
function roundTrip(s: Socket, n: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const on = (d: Buffer) => {
      got += d.length;
      if (got >= n) {
        s.off("data", on);
        resolve();
      }
    };
    s.on("data", on);
    s.write(Buffer.alloc(n, 0x61));
  });
}

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

async function witness() {
  const upstream = await echoServer();
  const proxy = await contactProxy({ host: "127.0.0.1", port: upstream.port });
  cleanup.push(() => proxy.close());
  return proxy;
}

describe("contact witness (real loopback sockets)", () => {
  it("counts a new connection and the bytes it carried, per window", async () => {
    const proxy = await witness();
    const start = Date.now();
    const s = await dial(proxy.port);
    await roundTrip(s, 412);
    const end = Date.now();
    const c = proxy.log.contactDuring({ startEpochMs: start, endEpochMs: end });
    expect(c.newConnections).toBe(1);
    expect(c.bytesFromProvider).toBe(412);
    expect(c.bytesToProvider).toBe(412);
    expect(c.bytesOnExisting).toBe(0);
    expect(describeContact({ cluster: "A", contact: c, identity: null })).toBe(
      "cluster A: 1 connection, 412 bytes, no identity",
    );
    expect(judgeNoContact([{ cluster: "A", contact: c }]).outcome).toBe("fail");
    // a window before the dial saw nothing
    const before = proxy.log.contactDuring({ startEpochMs: start - 1000, endEpochMs: start - 1 });
    expect(before.connections).toEqual([]);
    expect(judgeNoContact([{ cluster: "A", contact: before }]).outcome).toBe("pass");
  });

  it("a connection opened before the window: idle is no contact, a byte sent is contact", async () => {
    const proxy = await witness();
    const s = await dial(proxy.port);
    await roundTrip(s, 100);
    await new Promise((r) => setTimeout(r, 20));
    const idleStart = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    const idle = proxy.log.contactDuring({ startEpochMs: idleStart, endEpochMs: Date.now() });
    expect(idle.newConnections).toBe(0);
    expect(idle.bytesFromProvider).toBe(0);
    expect(judgeNoContact([{ cluster: "A", contact: idle }])).toMatchObject({ outcome: "pass" });

    const start = Date.now();
    await roundTrip(s, 7);
    const used = proxy.log.contactDuring({ startEpochMs: start, endEpochMs: Date.now() });
    expect(used).toMatchObject({ newConnections: 0, bytesFromProvider: 7, bytesOnExisting: 7 });
    const v = judgeNoContact([{ cluster: "A", contact: used, identity: null }]);
    expect(v.outcome).toBe("fail");
    expect(v.message).toContain(
      "cluster A: 1 connection, 7 bytes (7 on connections already open), no identity",
    );
  });

  it("a dial with no byte sent is contact", async () => {
    const proxy = await witness();
    const start = Date.now();
    const s = await dial(proxy.port);
    await settle(() => proxy.log.connections.length === 1);
    s.destroy();
    await settle(() => proxy.log.connections[0]?.closedAtEpochMs !== undefined);
    const c = proxy.log.contactDuring({ startEpochMs: start, endEpochMs: Date.now() });
    expect(c.newConnections).toBe(1);
    expect(c.bytesFromProvider).toBe(0);
    expect(judgeNoContact([{ cluster: "B", contact: c }]).outcome).toBe("fail");
  });

  it("two connections, two clusters: each forwarder sees only its own", async () => {
    const a = await witness();
    const b = await witness();
    const start = Date.now();
    const s1 = await dial(a.port);
    const s2 = await dial(a.port);
    await roundTrip(s1, 10);
    await roundTrip(s2, 20);
    const end = Date.now();
    const ca = a.log.contactDuring({ startEpochMs: start, endEpochMs: end });
    const cb = b.log.contactDuring({ startEpochMs: start, endEpochMs: end });
    expect(ca).toMatchObject({ newConnections: 2, bytesFromProvider: 30 });
    expect(cb).toMatchObject({ newConnections: 0, bytesFromProvider: 0 });
    const v = judgeNoContact([
      { cluster: "A", contact: ca },
      { cluster: "B", contact: cb },
    ]);
    expect(v.outcome).toBe("fail");
    expect(v.message).toContain("cluster A: 2 connections, 30 bytes");
    expect(v.message).toContain("cluster B: no contact");
  });
});

describe("contactDuring (pure)", () => {
  const conn = (over: Partial<ConnectionRecord>): ConnectionRecord => ({
    id: 1,
    openedAtEpochMs: 0,
    closedAtEpochMs: undefined,
    closedBy: undefined,
    sent: [],
    received: [],
    ...over,
  });
  const w = { startEpochMs: 100, endEpochMs: 200 };

  it("a pooled connection closed by the provider with a close_notify only is teardown, not contact", () => {
    const c = contactDuring(
      [conn({ sent: [{ atEpochMs: 150, bytes: 24 }], closedAtEpochMs: 151, closedBy: "provider" })],
      w,
    );
    expect(c.bytesFromProvider).toBe(0);
    expect(c.connections[0]?.teardownOnly).toBe(true);
    expect(judgeNoContact([{ cluster: "A", contact: c }]).outcome).toBe("pass");
  });

  it("more than a close_notify before the close is contact", () => {
    const c = contactDuring(
      [
        conn({
          sent: [{ atEpochMs: 150, bytes: TEARDOWN_MAX_BYTES + 1 }],
          closedAtEpochMs: 151,
          closedBy: "provider",
        }),
      ],
      w,
    );
    expect(c.bytesOnExisting).toBe(TEARDOWN_MAX_BYTES + 1);
    expect(judgeNoContact([{ cluster: "A", contact: c }]).outcome).toBe("fail");
  });

  it("window edges are inclusive; bytes outside do not count", () => {
    const c = contactDuring(
      [
        conn({
          openedAtEpochMs: 50,
          sent: [
            { atEpochMs: 99, bytes: 5 },
            { atEpochMs: 100, bytes: 1 },
            { atEpochMs: 200, bytes: 2 },
            { atEpochMs: 201, bytes: 9 },
          ],
        }),
      ],
      w,
    );
    expect(c.bytesFromProvider).toBe(3);
  });

  it("an unwatched cluster makes a clean result untestable, never pass; it cannot excuse a contact", () => {
    const none = contactDuring([], w);
    const unwatched = { cluster: "C", contact: undefined, untestableReason: "not on loopback: no forwarder" };
    const v = judgeNoContact([{ cluster: "A", contact: none }, unwatched]);
    expect(v).toEqual({
      outcome: "untestable",
      message: "cluster A: no contact; cluster C: not witnessed (not on loopback: no forwarder)",
    });
    const hit = contactDuring([conn({ openedAtEpochMs: 120 })], w);
    expect(judgeNoContact([{ cluster: "A", contact: hit }, unwatched]).outcome).toBe("fail");
    expect(judgeNoContact([]).outcome).toBe("untestable");
  });

  it("a cluster another call reached meanwhile is not judged: its bytes carry no caller", () => {
    const hit = contactDuring([conn({ openedAtEpochMs: 120 })], w);
    const none = contactDuring([], w);
    const call = { index: 7, ...w, clusters: ["A"] };
    const bob = { index: 8, startEpochMs: 130, endEpochMs: 140, clusters: ["B"] };
    // ends in the millisecond the call starts: sequential, not in flight
    const before = { index: 6, startEpochMs: 10, endEpochMs: w.startEpochMs, clusters: ["A"] };
    const clusters = attributeShared(
      [
        { cluster: "A", contact: none },
        { cluster: "B", contact: hit },
      ],
      call,
      [before, call, bob],
    );
    expect(clusters.map((c) => c.sharedWith)).toEqual([undefined, [8]]);
    expect(judgeNoContact(clusters, "A")).toEqual({
      outcome: "pass",
      message: "cluster A: no contact; cluster B: not judged (1 other call to it in flight: #8)",
    });
    // the same contact with no call of bob in flight is a finding
    expect(judgeNoContact(attributeShared([{ cluster: "B", contact: hit }], call, [call]), "A").outcome).toBe(
      "fail",
    );
    // a contact of the call's own cluster while another call shares it cannot be judged either way
    const shared = attributeShared([{ cluster: "A", contact: hit }], call, [
      call,
      { ...bob, clusters: ["A"] },
    ]);
    expect(judgeNoContact(shared, "A").outcome).toBe("untestable");
    // nor can a clean result whose own cluster was shared
    const sharedOwn = attributeShared(
      [
        { cluster: "A", contact: none },
        { cluster: "B", contact: none },
      ],
      call,
      [call, { ...bob, clusters: ["A"] }],
    );
    expect(judgeNoContact(sharedOwn, "A").outcome).toBe("untestable");
  });

  it("the cluster a call reached is where its server pointed, else its identity's cluster", () => {
    expect(clustersReached({ source: "headers", identity: "alice", cluster: "A" })).toEqual(["A"]);
    expect(
      clustersReached({ source: "headers", identity: "alice", cluster: "A", server: "cluster B" }),
    ).toEqual(["B"]);
    expect(
      clustersReached({ source: "headers", identity: "alice", cluster: "A", server: "TCP canary" }),
    ).toEqual([]);
    expect(clustersReached(undefined)).toEqual([]);
  });
});
