// Issue 10 item 5: 3,000 calls with distinct tokens to a hung listener opened 3,058 sockets:
// the pool bounds idle entries, not calls in flight. In-flight upstream requests are bounded,
// per API server endpoint and in all; calls beyond wait within their own deadline.
import { afterEach, describe, expect, it } from "vitest";
import { InFlightLimit } from "../../src/upstream/in-flight.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, startFakeApiServer, startHeldApiServer } from "./helpers/https-upstream.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const never = new AbortController().signal;

describe("InFlightLimit", () => {
  it("grants at once below both bounds, then queues in order", async () => {
    const limit = new InFlightLimit(3, 2);
    const a1 = limit.acquire("a", never) as () => void;
    const a2 = limit.acquire("a", never) as () => void;
    expect(typeof a1).toBe("function");
    const a3 = limit.acquire("a", never);
    expect(a3).toBeInstanceOf(Promise);
    const b1 = limit.acquire("b", never) as () => void;
    const b2 = limit.acquire("b", never);
    expect(b2).toBeInstanceOf(Promise);
    expect(limit.inFlight).toBe(3);
    const order: string[] = [];
    void (a3 as Promise<() => void>).then(() => order.push("a3"));
    void (b2 as Promise<() => void>).then(() => order.push("b2"));
    b1();
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(["b2"]);
    a1();
    a1(); // twice is once
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["b2", "a3"]);
    expect(limit.inFlight).toBe(3);
    a2();
  });

  it("a waiter whose signal aborts leaves the queue with the signal's reason", async () => {
    const limit = new InFlightLimit(1, 1);
    limit.acquire("a", never);
    const controller = new AbortController();
    const waiting = limit.acquire("a", controller.signal) as Promise<() => void>;
    controller.abort(new DOMException("deadline", "TimeoutError"));
    await expect(waiting).rejects.toMatchObject({ name: "TimeoutError" });
    expect(limit.waiting).toBe(0);
  });
});

describe("calls to a hung API server", () => {
  it("open at most the per-server bound of connections; the rest time out cleanly, other servers stay served", async () => {
    const { api: hung } = await startHeldApiServer((fn) => cleanup.push(fn));
    const healthy: FakeApiServer = await startFakeApiServer();
    cleanup.push(() => healthy.close());
    // The first four hold their slots longer than the others wait (one limit, two deadlines).
    const holders = testDeps({ requestTimeoutMs: 1500, maxInFlight: 16, maxInFlightPerServer: 4 });
    const waiters = { ...holders, requestTimeoutMs: 500 };
    const started = performance.now();
    const call$ = (i: number) =>
      call(i < 4 ? holders : waiters, { headers: tokenFields(hung.url, `distinct-token-${i}`) });
    const calls = Array.from({ length: 12 }, (_, i) => call$(i));
    for (let i = 0; i < 100 && hung.connections < 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hung.connections).toBe(4);
    expect(codeOf(await call(holders, { headers: tokenFields(healthy.url) }))).toBe("ok");
    const results = await Promise.all(calls);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(results.map(codeOf)).toEqual(Array(12).fill("timeout"));
    expect(hung.connections).toBe(4);
    const texts = results.map(textOf);
    expect(texts.slice(4).every((t) => t.includes("are in flight"))).toBe(true);
    expect(texts[4]).toMatch(
      /^\[timeout\] no upstream connection became free within 500 ms: 4 requests to 127\.0\.0\.1:\d+, or 16 in all, are in flight\.$/,
    );
  });

  it("in all, at most the global bound, across servers", async () => {
    const hung = await Promise.all([1, 2, 3].map(() => startHeldApiServer((fn) => cleanup.push(fn))));
    const holders = testDeps({ requestTimeoutMs: 1500, maxInFlight: 6, maxInFlightPerServer: 4 });
    const waiters = { ...holders, requestTimeoutMs: 500 };
    // Four to the first server, two to the second fill the six slots; six more wait.
    const calls = hung.flatMap(({ api }, s) =>
      Array.from({ length: 4 }, (_, i) =>
        call(s * 4 + i < 6 ? holders : waiters, { headers: tokenFields(api.url, `t-${s}-${i}`) }),
      ),
    );
    const opened = () => hung.reduce((n, h) => n + h.api.connections, 0);
    for (let i = 0; i < 100 && opened() < 6; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await Promise.all(calls)).map(codeOf)).toEqual(Array(12).fill("timeout"));
    expect(hung.map((h) => h.api.connections)).toEqual([4, 2, 0]);
  });
});
