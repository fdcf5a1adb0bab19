// The pool-wide idle socket budget of ClientPool (src/upstream/client-pool.ts), against a
// loopback HTTPS fake API server whose responses the test releases one by one.
//
// The rule (ClientPool#shareIdleBudget): just before an agent decides whether to keep a freed
// socket, its maxFreeSockets becomes max(1, min(maxSockets, budget − idle elsewhere)); Node's
// agent keeps the socket iff its own idle count is below that. Hence:
//  - an agent that already holds idle sockets keeps one more only if the pool then holds ≤ budget;
//  - an agent holding none may always keep one.
// So (idle sockets) − (agents holding idle sockets) never exceeds budget − 1: the pool holds at
// most budget − 1 + (number of tuples) idle sockets (and never more than maxSockets per tuple).
import type { Agent } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { ByteBudget } from "../../src/limits/byte-budget.js";
import type { Destination } from "../../src/policy/network-policy.js";
import type { ClusterTarget } from "../../src/request/cluster-target.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { selectRawTuple } from "../../src/request/source.js";
import { validateTuple } from "../../src/request/validate.js";
import { ClientPool, POOL_DEFAULTS } from "../../src/upstream/client-pool.js";
import { kubeRequest } from "../../src/upstream/kube-request.js";
import { tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, type HeldRequest, json, startHeldApiServer } from "./helpers/https-upstream.js";

const LIMITS = { maxBytes: 4 * 1024 * 1024, budget: new ByteBudget(64 * 1024 * 1024) };

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type Held = HeldRequest;

const heldApi = () => startHeldApiServer((fn) => cleanup.push(fn));

function targetFor(server: string, token: string): ClusterTarget {
  const lines = clusterHeaderLines(Object.entries(tokenFields(server, token)).flat());
  return validateTuple(selectRawTuple({ meta: undefined, headerLines: lines }), {
    allowPlainHttp: false,
    allowInsecureTls: false,
    maxValueBytes: 128 * 1024,
  });
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Past the nextTick in which Node's agent emits 'free' for a finished response. */
const afterFree = () => new Promise<void>((r) => setImmediate(r));

function idleOf(agent: Agent): number {
  let n = 0;
  for (const name in agent.freeSockets) n += agent.freeSockets[name]?.length ?? 0;
  return n;
}

/**
 * `perTuple` concurrent GETs for each of `tokens` (one tuple each) through the pool, held
 * upstream until all have arrived; returns what the test needs to release them.
 */
async function burst(pool: ClientPool, api: FakeApiServer, held: Held[], tokens: string[], perTuple: number) {
  const destination: Destination = { hostname: "127.0.0.1", port: api.port, address: "127.0.0.1", family: 4 };
  const start = held.length;
  const agents = new Map<string, Agent>();
  let done = 0;
  const requests: Promise<number>[] = [];
  for (const token of tokens) {
    for (let i = 0; i < perTuple; i++) {
      const { client, release } = pool.acquire(targetFor(api.url, token));
      agents.set(token, client.agent as Agent);
      requests.push(
        kubeRequest(client, destination, { method: "GET", path: "/api/v1/namespaces" }, undefined, LIMITS)
          .then((r) => r.status)
          .finally(() => {
            release();
            done++;
          }),
      );
    }
  }
  const total = tokens.length * perTuple;
  await until(() => held.length - start === total, `${total} requests upstream`);
  const mine = held.slice(start);
  return {
    agents,
    mine,
    /** Answers one held response and waits until its socket has been freed (or closed). */
    async releaseOne(h: Held): Promise<void> {
      const before = done;
      json(h.res, 200, { kind: "NamespaceList", items: [] });
      await until(() => done > before, "the response to arrive");
      await afterFree();
    },
    all: () => Promise.all(requests),
  };
}

describe("client pool: pool-wide idle socket budget", () => {
  it("one tuple with 16 concurrent requests keeps 16 idle sockets; a second burst opens no connection", async () => {
    const { api, held } = await heldApi();
    const pool = new ClientPool({ maxEntries: 8, idleMs: 60_000 });
    cleanup.push(() => pool.close());
    expect(POOL_DEFAULTS).toEqual({ maxSockets: 64, maxIdleSockets: 64 });

    const first = await burst(pool, api, held, ["only"], 16);
    expect(api.connections).toBe(16);
    for (const h of first.mine) json(h.res, 200, { kind: "NamespaceList", items: [] });
    expect(await first.all()).toEqual(Array(16).fill(200));
    await until(() => pool.idleSockets === 16, "16 idle sockets");
    await afterFree();
    expect(pool.idleSockets).toBe(16);

    const second = await burst(pool, api, held, ["only"], 16);
    for (const h of second.mine) json(h.res, 200, { kind: "NamespaceList", items: [] });
    expect(await second.all()).toEqual(Array(16).fill(200));
    await afterFree();
    expect(api.connections).toBe(16); // no new TCP (hence TLS) connection
    expect(pool.idleSockets).toBe(16);
    expect(held.map((h) => h.auth)).toEqual(Array(32).fill("Bearer only"));
  });

  const BUDGET = 16;
  const TUPLES = 20;
  const PER_TUPLE = 8;
  const BOUND = BUDGET - 1 + TUPLES;

  async function manyTuples(order: (mine: Held[], tokens: string[]) => Held[]) {
    const { api, held } = await heldApi();
    const pool = new ClientPool({
      maxEntries: 32,
      idleMs: 60_000,
      maxIdleSockets: BUDGET,
    });
    cleanup.push(() => pool.close());
    const tokens = Array.from({ length: TUPLES }, (_, i) => `tenant-${String(i).padStart(2, "0")}`);
    const b = await burst(pool, api, held, tokens, PER_TUPLE);
    expect(api.connections).toBe(TUPLES * PER_TUPLE);
    let peak = 0;
    for (const h of order(b.mine, tokens)) {
      await b.releaseOne(h);
      const perAgent = [...b.agents.values()].map(idleOf);
      const idle = perAgent.reduce((a, n) => a + n, 0);
      const holding = perAgent.filter((n) => n > 0).length;
      expect(pool.idleSockets).toBe(idle);
      // the invariant behind the bound, after every single release
      expect(idle - holding).toBeLessThanOrEqual(BUDGET - 1);
      expect(Math.max(...perAgent)).toBeLessThanOrEqual(POOL_DEFAULTS.maxSockets);
      peak = Math.max(peak, idle);
    }
    expect(await b.all()).toEqual(Array(TUPLES * PER_TUPLE).fill(200));
    expect(peak).toBeLessThanOrEqual(BOUND);
    return { pool, agents: b.agents, tokens };
  }

  it(`${TUPLES} tuples × ${PER_TUPLE}, budget ${BUDGET}, answered round-robin: one idle socket per tuple (max(budget, tuples))`, async () => {
    const { pool, agents, tokens } = await manyTuples((mine, tokens) => {
      const byTuple = tokens.map((t) => mine.filter((h) => h.auth === `Bearer ${t}`));
      return Array.from({ length: PER_TUPLE }, (_, round) => byTuple.map((hs) => hs[round] as Held)).flat();
    });
    expect(pool.idleSockets).toBe(Math.max(BUDGET, TUPLES));
    expect(tokens.map((t) => idleOf(agents.get(t) as Agent))).toEqual(Array(TUPLES).fill(1));
  });

  it(`${TUPLES} tuples × ${PER_TUPLE}, budget ${BUDGET}, answered tuple by tuple: the first tuples fill the budget, every other keeps one`, async () => {
    const { pool, agents, tokens } = await manyTuples((mine, tokens) =>
      tokens.flatMap((t) => mine.filter((h) => h.auth === `Bearer ${t}`)),
    );
    // 8 + 8 fill the budget of 16, the other 18 tuples keep one each: 34, within budget − 1 +
    // tuples = 35 but above max(budget, tuples) = 20 (kept sockets are never trimmed later)
    expect(tokens.map((t) => idleOf(agents.get(t) as Agent))).toEqual([8, 8, ...Array(TUPLES - 2).fill(1)]);
    expect(pool.idleSockets).toBe(34);
    expect(pool.idleSockets).toBeLessThanOrEqual(BOUND);
  });
});
