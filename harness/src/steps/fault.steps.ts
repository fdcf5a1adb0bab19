// @fault: loopback fakes of broken API servers and a real cluster that is
// frozen, killed and restarted. Faulty calls must end with their documented
// error within the request timeout + 1 s; healthy tenants must stay fast; the
// target must survive and recover.
import { attach, type RestartableCluster, startRestartableCluster } from "../clusters/index.js";
import { HealthyLoad } from "../fault/healthy.js";
import { type FaultUpstream, hungUpstream, midTlsUpstream, slowUpstream } from "../fault/upstreams.js";
import { LeanMcp, type LeanResult } from "../load/lean-mcp.js";
import { describeStats, fmtMs, runPool, summarize } from "../load/stats.js";
import { b64, makeServerCert } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";
import { assert, Given, Then, When } from "./dsl.js";

interface FaultCall {
  label: string;
  /** Accepted outcomes: error codes, or "ok" for a success. */
  expected: string[];
  outcome: string;
  ms: number;
  text: string;
}

const codeOf = (r: LeanResult) => (r.isError ? (/^\s*\[([a-z-]+)\]/.exec(r.text)?.[1] ?? r.kind) : "ok");

function timeoutMs(world: ConformanceWorld): number {
  return (world.bag.get("timeoutMs") as number | undefined) ?? world.profile.defaultRequestTimeoutMs;
}

async function session(world: ConformanceWorld): Promise<LeanMcp> {
  let s = world.bag.get("faultSession") as LeanMcp | undefined;
  if (!s) {
    s = await LeanMcp.open(world.targetUrl(), 32, false);
    const opened = s;
    world.cleanups.push(() => opened.close());
    world.bag.set("faultSession", s);
  }
  return s;
}

function healthy(world: ConformanceWorld): HealthyLoad {
  const h = world.bag.get("healthy") as HealthyLoad | undefined;
  assert(h, "no healthy tenants (measure a baseline first)");
  return h;
}

function faultCalls(world: ConformanceWorld): FaultCall[] {
  let calls = world.bag.get("faultCalls") as FaultCall[] | undefined;
  if (!calls) {
    calls = [];
    world.bag.set("faultCalls", calls);
  }
  return calls;
}

function windows(world: ConformanceWorld): [number, number][] {
  let w = world.bag.get("faultWindows") as [number, number][] | undefined;
  if (!w) {
    w = [];
    world.bag.set("faultWindows", w);
  }
  return w;
}

/** One call with `headers`; the client gives up 5 s after the target's timeout, so a missing timeout shows. */
async function timedCall(
  world: ConformanceWorld,
  headers: Record<string, string>,
  label: string,
  expected: string[],
) {
  const s = await session(world);
  const t0 = performance.now();
  let call: FaultCall;
  try {
    const r = await Promise.race([
      s.call(world.tool("pods_list_in_namespace"), world.args("pods_list_in_namespace"), headers),
      new Promise<never>((_, rej) =>
        setTimeout(() => rej(new Error("no answer (harness gave up)")), timeoutMs(world) + 5_000).unref(),
      ),
    ]);
    call = { label, expected, outcome: codeOf(r), ms: performance.now() - t0, text: r.text.slice(0, 200) };
  } catch (e) {
    call = { label, expected, outcome: "no-answer", ms: performance.now() - t0, text: (e as Error).message };
  }
  faultCalls(world).push(call);
  return call;
}

Given(
  "loopback fault upstreams that hang, answer slowly and close mid-TLS",
  async function (this: ConformanceWorld) {
    const ca = await this.oracleCa();
    const pem = await makeServerCert(ca, ["127.0.0.1"]);
    const ups: FaultUpstream[] = [
      await hungUpstream(),
      await slowUpstream(pem, b64(ca.certPem)),
      await midTlsUpstream(),
    ];
    for (const u of ups) this.listeners.push(u);
    this.bag.set("faultUpstreams", ups);
  },
);

Given(
  "a restartable cluster {word} with a token identity {word}",
  async function (this: ConformanceWorld, name: string, who: string) {
    const r = await startRestartableCluster(`cluster-${name.toLowerCase()}`);
    this.cleanups.push(() => r.stop());
    this.bag.set(`restartable:${name}`, r);
    this.registerIdentity(who, name, await attach(r.info).mintTokenIdentity());
  },
);

When(
  "the healthy tenants {word} and {word} make {int} calls at concurrency {int} as a baseline",
  async function (this: ConformanceWorld, a: string, b: string, n: number, concurrency: number) {
    const s = await session(this);
    const tool = this.tool("pods_list_in_namespace");
    const args = this.args("pods_list_in_namespace");
    const load = new HealthyLoad(
      s,
      [{ headers: this.headersOf(a) }, { headers: this.headersOf(b) }],
      concurrency,
      (ses, t) => ses.call(tool, args, t.headers),
    );
    await load.fixed(Math.min(50, n)); // warm-up: connections and JIT
    const t0 = performance.now();
    const base = await load.fixed(n);
    const wallMs = performance.now() - t0;
    const bad = base.filter((x) => !x.ok);
    assert(bad.length === 0, `${bad.length} baseline call(s) failed: ${bad[0]?.text}`);
    const stats = summarize(
      base.map((x) => x.ms),
      wallMs,
    );
    this.bag.set("healthy", load);
    this.bag.set("baseline", stats);
    this.attach(describeStats("healthy baseline", stats), "text/plain");
  },
);

When(
  "{int} calls to each fault upstream, {int} at a time, run while the healthy tenants keep calling",
  async function (this: ConformanceWorld, n: number, atOnce: number) {
    const ups = this.bag.get("faultUpstreams") as FaultUpstream[];
    const load = healthy(this);
    load.start();
    await new Promise((r) => setTimeout(r, 300));
    const from = performance.now();
    const expected: Record<string, string[]> = {
      hung: ["timeout"],
      slow: ["timeout"],
      "mid-tls": ["unreachable", "tls-verification-failed"],
    };
    const base = this.headersOf(this.bag.get("faultCaller") as string);
    // waves of `atOnce` calls per upstream: a longer fault window gives the healthy p99 more samples
    await Promise.all(
      ups.map((u) =>
        runPool(n, atOnce, () =>
          timedCall(
            this,
            {
              ...base,
              "kubernetes-server": `https://${u.address}`,
              ...(u.caHeader ? { "kubernetes-certificate-authority-data": u.caHeader } : {}),
            },
            u.kind,
            expected[u.kind] ?? [],
          ).then(() => undefined),
        ),
      ),
    );
    windows(this).push([from, performance.now()]);
    await load.stop();
  },
);

Given("{word} makes the faulty calls", function (this: ConformanceWorld, who: string) {
  this.bag.set("faultCaller", who);
});

When(
  "cluster {word} is frozen, thawed, killed and restarted while the healthy tenants keep calling and {word} calls it in each state",
  async function (this: ConformanceWorld, name: string, who: string) {
    const r = this.bag.get(`restartable:${name}`) as RestartableCluster;
    const h = this.headersOf(who);
    const load = healthy(this);
    const phase = async (label: string, expected: string[], n: number) =>
      Promise.all(Array.from({ length: n }, () => timedCall(this, h, label, expected)));
    await phase("R up", ["ok"], 2);
    load.start();
    await new Promise((res) => setTimeout(res, 300));
    // frozen: the port accepts, nothing answers
    let from = performance.now();
    r.freeze();
    try {
      await phase("R frozen", ["timeout"], 4);
    } finally {
      r.thaw();
    }
    windows(this).push([from, performance.now()]);
    await phase("R thawed", ["ok"], 2);
    // killed: connections refused
    from = performance.now();
    await r.kill();
    await phase("R killed", ["unreachable"], 4);
    windows(this).push([from, performance.now()]);
    await load.stop();
    // restart (CPU-heavy on a small machine: not counted as a fault window for healthy tenants)
    const t0 = performance.now();
    await r.restart();
    const restartMs = performance.now() - t0;
    const deadline = performance.now() + 20_000;
    let attempts = 0;
    for (;;) {
      attempts++;
      const c = await timedCall(this, h, "R restarted", ["ok"]);
      if (c.outcome === "ok" || performance.now() > deadline) break;
      faultCalls(this).pop(); // a failed attempt while the API server warms up is not a verdict
      await new Promise((res) => setTimeout(res, 250));
    }
    this.attach(
      `cluster ${name}: restart took ${(restartMs / 1000).toFixed(1)} s; served again after ${attempts} attempt(s)`,
      "text/plain",
    );
  },
);

Then(
  "every faulty call ended with its documented error within the request timeout plus {int} ms",
  function (this: ConformanceWorld, slack: number) {
    const calls = faultCalls(this);
    assert(calls.length > 0, "no faulty calls were made");
    const limit = timeoutMs(this) + slack;
    const problems: string[] = [];
    const byLabel = new Map<string, number[]>();
    for (const c of calls) {
      byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), c.ms]);
      if (!c.expected.includes(c.outcome))
        problems.push(`${c.label}: got ${c.outcome} (expected ${c.expected.join(" or ")}): ${c.text}`);
      else if (c.ms > limit)
        problems.push(`${c.label}: ${c.outcome} after ${Math.round(c.ms)} ms (limit ${limit} ms)`);
    }
    const summary = [...byLabel]
      .map(([l, ms]) => `${l}: ${ms.length} call(s), max ${fmtMs(Math.max(...ms))} ms`)
      .join("; ");
    this.attach(`faulty calls (timeout ${timeoutMs(this)} ms): ${summary}`, "text/plain");
    process.stderr.write(`\n[fault] ${summary}\n`);
    assert(
      problems.length === 0,
      `${problems.length} faulty call(s) wrong:\n${problems.slice(0, 12).join("\n")}`,
    );
  },
);

Then(
  "the healthy tenants' p99 during the faults is within twice the baseline, or the baseline plus {int} ms",
  function (this: ConformanceWorld, floor: number) {
    const base = this.bag.get("baseline") as ReturnType<typeof summarize>;
    const load = healthy(this);
    const during = windows(this).flatMap(([a, b]) => load.window(a, b));
    assert(during.length >= 10, `only ${during.length} healthy call(s) ran during the faults`);
    const failed = during.filter((s) => !s.ok);
    const stats = summarize(
      during.map((s) => s.ms),
      0,
    );
    const limit = Math.max(2 * base.p99, base.p99 + floor);
    const line = `healthy p99: baseline ${fmtMs(base.p99)} ms (p50 ${fmtMs(base.p50)}), during faults ${fmtMs(stats.p99)} ms (p50 ${fmtMs(stats.p50)}, ${stats.n} calls); limit max(2×, +${floor} ms) = ${fmtMs(limit)} ms`;
    this.attach(line, "text/plain");
    process.stderr.write(`[fault] ${line}\n`);
    assert(
      failed.length === 0,
      `${failed.length} healthy call(s) failed during the faults: ${failed[0]?.text}`,
    );
    assert(stats.p99 <= limit, line);
  },
);

Then("the target is still running and serves {word}", async function (this: ConformanceWorld, who: string) {
  if (this.ownTarget) assert(!this.ownTarget.exited(), "the target process exited");
  const s = await session(this);
  const r = await s.call(
    this.tool("pods_list_in_namespace"),
    this.args("pods_list_in_namespace"),
    this.headersOf(who),
  );
  assert(!r.isError, `a good call after the faults failed: ${r.text.slice(0, 200)}`);
});
