// @fault: loopback fakes of broken API servers and a real cluster that is
// frozen, killed and restarted. Faulty calls must end with their documented
// error within the request timeout + 1 s; healthy tenants must stay fast; the
// target must survive and recover.
import { ERROR_CODE, HEADER, VALIDATION_CODES } from "../../../reference-server/src/wire/constants.js";
import { type Answer, leanAnswer } from "../checks/answer.js";
import { untestableIfPrecondition } from "../checks/preconditions.js";
import { expect, fail, Untestable } from "../checks/recorder.js";
import { judgeNotDelayed } from "../checks/timing.js";
import { attach, startRestartableCluster } from "../clusters/index.js";
import { HealthyLoad } from "../fault/healthy.js";
import { type FaultCall, type FaultState, newFaultState } from "../fault/state.js";
import { type FaultUpstream, hungUpstream, midTlsUpstream, slowUpstream } from "../fault/upstreams.js";
import { LeanMcp, type LeanResult } from "../load/lean-mcp.js";
import { describeStats, fmtMs, runPool, summarize } from "../load/stats.js";
import { b64, makeServerCert } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";
import { Given, Then, When } from "./dsl.js";
import { FAULT } from "./state.js";

const codeOf = (r: LeanResult) => (r.isError ? (/^\s*\[([a-z-]+)\]/.exec(r.text)?.[1] ?? r.kind) : "ok");

function fault(world: ConformanceWorld): FaultState {
  return world.features.of(FAULT, newFaultState);
}

function timeoutMs(world: ConformanceWorld): number {
  return world.target.requestTimeoutMs ?? world.profile.defaultRequestTimeoutMs;
}

async function session(world: ConformanceWorld): Promise<LeanMcp> {
  const f = fault(world);
  if (!f.session) {
    const s = await world.sessions.openWith(async (h) =>
      LeanMcp.open(await world.target.url(), 32, false, h),
    );
    world.cleanups.push(() => s.close());
    f.session = s;
  }
  return f.session;
}

function healthy(world: ConformanceWorld): HealthyLoad {
  const h = fault(world).healthy;
  if (!h) throw new Error("no healthy tenants (measure a baseline first)");
  return h;
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
      s.call(world.tools.name("pods_list_in_namespace"), world.tools.args("pods_list_in_namespace"), headers),
      new Promise<never>((_, rej) =>
        setTimeout(() => rej(new Error("no answer (harness gave up)")), timeoutMs(world) + 5_000).unref(),
      ),
    ]);
    call = { label, expected, outcome: codeOf(r), ms: performance.now() - t0, text: r.text.slice(0, 200) };
  } catch (e) {
    call = { label, expected, outcome: "no-answer", ms: performance.now() - t0, text: (e as Error).message };
  }
  fault(world).calls.push(call);
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
    for (const u of ups) this.net.track(u);
    fault(this).upstreams = ups;
  },
);

Given(
  "a restartable cluster {word} with a token identity {word}",
  async function (this: ConformanceWorld, name: string, who: string) {
    const r = await startRestartableCluster(`cluster-${name.toLowerCase()}`);
    this.cleanups.push(() => r.stop());
    fault(this).restartable.set(name, r);
    this.identities.register(who, name, await attach(r.info).mintTokenIdentity());
  },
);

When(
  "the healthy tenants {word} and {word} make {int} calls at concurrency {int} as a baseline",
  async function (this: ConformanceWorld, a: string, b: string, n: number, concurrency: number) {
    const s = await session(this);
    const tool = this.tools.name("pods_list_in_namespace");
    const args = this.tools.args("pods_list_in_namespace");
    const load = new HealthyLoad(
      s,
      [{ headers: this.identities.headersOf(a) }, { headers: this.identities.headersOf(b) }],
      concurrency,
      (ses, t) => ses.call(tool, args, t.headers),
    );
    await load.fixed(Math.min(50, n)); // warm-up: connections and JIT
    const t0 = performance.now();
    const base = await load.fixed(n);
    const wallMs = performance.now() - t0;
    const f = fault(this);
    f.healthy = load;
    f.healthyTenants = [a, b];
    const bad = base.filter((x) => !x.ok);
    if (bad.length > 0) {
      // Healthy tenants that fail without any fault: the scenario cannot measure what it is about.
      for (const [i, who] of [a, b].entries()) {
        const mine = bad.find((x) => x.tenant === i);
        if (!mine) continue;
        await untestableIfPrecondition(this, who, sampleAnswer(mine), this.checks.subject());
      }
      this.checks.record(
        "healthy-baseline",
        this.checks.subject(),
        "fail",
        "the healthy tenants' calls succeed before any fault",
        `${bad.length} baseline call(s) failed: ${this.secrets.scrub(bad[0]?.text ?? "")}`,
      );
      throw new Untestable(
        "the healthy tenants fail without any fault, so the fault isolation cannot be measured",
      );
    }
    const stats = summarize(
      base.map((x) => x.ms),
      wallMs,
    );
    f.baseline = stats;
    f.control.push(...base.map((x) => x.ms));
    f.baselineCalls = n;
    this.attach(describeStats("healthy baseline", stats), "text/plain");
  },
);

function sampleAnswer(s: { text: string; ok: boolean; ms: number }): Answer {
  const code = /^\s*\[([a-z-]+)\]/.exec(s.text)?.[1];
  return code
    ? { kind: "tool-error", code, text: s.text, durationMs: s.ms }
    : { kind: "jsonrpc-error", text: s.text, durationMs: s.ms };
}

When(
  "{int} calls to each fault upstream, {int} at a time, run while the healthy tenants keep calling",
  async function (this: ConformanceWorld, n: number, atOnce: number) {
    const ups = fault(this).upstreams;
    const load = healthy(this);
    load.start();
    await new Promise((r) => setTimeout(r, 300));
    const from = performance.now();
    const expected: Record<string, string[]> = {
      hung: [ERROR_CODE.timeout],
      slow: [ERROR_CODE.timeout],
      "mid-tls": [ERROR_CODE.unreachable, ERROR_CODE.tlsVerificationFailed],
    };
    const caller = fault(this).caller;
    if (!caller) throw new Error("no faulty caller (Given … makes the faulty calls)");
    const base = this.identities.headersOf(caller);
    // waves of `atOnce` calls per upstream: a longer fault window gives the healthy p99 more samples
    await Promise.all(
      ups.map((u) =>
        runPool(n, atOnce, () =>
          timedCall(
            this,
            {
              ...base,
              [HEADER.server]: `https://${u.address}`,
              ...(u.caHeader ? { [HEADER.certificateAuthorityData]: u.caHeader } : {}),
            },
            u.kind,
            expected[u.kind] ?? [],
          ).then(() => undefined),
        ),
      ),
    );
    fault(this).windows.push([from, performance.now()]);
    await load.stop();
    await afterFaultControl(this, load);
  },
);

/** As many healthy calls as the baseline, right after the faults: the same machine, now. */
async function afterFaultControl(world: ConformanceWorld, load: HealthyLoad): Promise<void> {
  const f = fault(world);
  f.control.push(...(await load.fixed(f.baselineCalls)).map((x) => x.ms));
}

Given("{word} makes the faulty calls", function (this: ConformanceWorld, who: string) {
  fault(this).caller = who;
});

When(
  "cluster {word} is frozen, thawed, killed and restarted while the healthy tenants keep calling and {word} calls it in each state",
  async function (this: ConformanceWorld, name: string, who: string) {
    const r = fault(this).restartable.get(name);
    if (!r) throw new Error(`no restartable cluster ${name}`);
    const h = this.identities.headersOf(who);
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
      await phase("R frozen", [ERROR_CODE.timeout], 4);
    } finally {
      r.thaw();
    }
    fault(this).windows.push([from, performance.now()]);
    await phase("R thawed", ["ok"], 2);
    // killed: connections refused
    from = performance.now();
    await r.kill();
    await phase("R killed", [ERROR_CODE.unreachable], 4);
    fault(this).windows.push([from, performance.now()]);
    await load.stop();
    await afterFaultControl(this, load);
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
      fault(this).calls.pop(); // a failed attempt while the API server warms up is not a verdict
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
  async function (this: ConformanceWorld, slack: number) {
    const calls = fault(this).calls;
    if (calls.length === 0) throw new Error("no faulty calls were made");
    const limit = timeoutMs(this) + slack;
    const byLabel = new Map<string, number[]>();
    for (const c of calls) byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), c.ms]);
    const summary = [...byLabel]
      .map(([l, ms]) => `${l}: ${ms.length} call(s), max ${fmtMs(Math.max(...ms))} ms`)
      .join("; ");
    this.attach(`faulty calls (timeout ${timeoutMs(this)} ms): ${summary}`, "text/plain");
    process.stderr.write(`\n[fault] ${summary}\n`);
    this.timeline.addBatch(
      `faulty calls (timeout ${timeoutMs(this)} ms)`,
      calls,
      (c) => `${c.label}: ${c.outcome}`,
      {
        at: this.ctx.elapsed(),
        durationMs: 0,
      },
    );
    const list = (xs: string[]) => `${xs.length} faulty call(s):\n${xs.slice(0, 12).join("\n")}`;
    // whether each call failed (or, for a cluster that is back, succeeded): the scenario's rules
    await this.checks.judge(
      "faulty-calls-fail",
      this.checks.subject(),
      "calls to a faulty upstream fail; calls to a recovered cluster succeed",
      () => {
        const wrong = calls.filter((c) =>
          // no answer at all is the timing check's finding (AH-NET-4), not this one's
          c.expected.includes("ok")
            ? c.outcome !== "ok" && c.outcome !== "no-answer"
            : c.outcome === "ok" || VALIDATION_CODES.includes(c.outcome),
        );
        expect(
          wrong.length === 0,
          list(
            wrong.map((c) => `${c.label}: got ${c.outcome} (expected ${c.expected.join(" or ")}): ${c.text}`),
          ),
        );
      },
    );
    await this.checks.judge(
      "faulty-calls-in-time",
      ["AH-NET-4"],
      `every faulty call ends within the timeout + ${slack} ms (${limit} ms)`,
      () => {
        const late = calls.filter((c) => c.ms > limit || c.outcome === "no-answer");
        expect(
          late.length === 0,
          list(late.map((c) => `${c.label}: ${c.outcome} after ${Math.round(c.ms)} ms`)),
        );
      },
    );
    await this.checks.judge(
      "faulty-calls-codes",
      ["AH-ERR-1"],
      "each faulty call's error carries its documented code",
      () => {
        const failing = calls.filter(
          (c) => !c.expected.includes("ok") && c.outcome !== "ok" && c.outcome !== "no-answer",
        );
        const wrong = failing.filter((c) => !c.expected.includes(c.outcome));
        expect(
          wrong.length === 0,
          list(wrong.map((c) => `${c.label}: [${c.outcome}] (documented: ${c.expected.join(" or ")})`)),
        );
      },
    );
  },
);

Then(
  "the healthy tenants' p99 during the faults is within twice the baseline, or the baseline plus {int} ms",
  async function (this: ConformanceWorld, floor: number) {
    const f = fault(this);
    const base = f.baseline;
    if (!base) throw new Error("no baseline");
    const load = healthy(this);
    const during = f.windows.flatMap(([a, b]) => load.window(a, b));
    const stats = summarize(
      during.map((s) => s.ms),
      0,
    );
    const verdict = judgeNotDelayed(
      "healthy tenants during the faults",
      during.map((s) => s.ms),
      f.control,
      {
        quantile: 0.99,
        factor: 2,
        floorMs: floor,
      },
    );
    const line = `healthy p99: baseline ${fmtMs(base.p99)} ms (p50 ${fmtMs(base.p50)}), during faults ${fmtMs(stats.p99)} ms (p50 ${fmtMs(stats.p50)}, ${stats.n} calls); ${verdict.message}`;
    this.attach(line, "text/plain");
    process.stderr.write(`[fault] ${line}\n`);
    await this.checks.judge(
      "healthy-tenants-fast",
      ["AH-NET-5"],
      "healthy tenants stay fast and served during the faults",
      () => {
        expect(during.length >= 10, `only ${during.length} healthy call(s) ran during the faults`);
        const failed = during.filter((s) => !s.ok);
        expect(
          failed.length === 0,
          `${failed.length} healthy call(s) failed during the faults: ${this.secrets.scrub(failed[0]?.text ?? "")}`,
        );
        expect(verdict.outcome === "pass", line);
      },
    );
  },
);

Then("the target is still running and serves {word}", async function (this: ConformanceWorld, who: string) {
  await this.checks.judge(
    "still-serves",
    ["AH-HDR-10"],
    `the target survived the faults and serves ${who}`,
    async () => {
      const trouble = await this.target.check(false);
      if (trouble) fail(`${trouble.detail}`);
      const s = await session(this);
      const r = await s.call(
        this.tools.name("pods_list_in_namespace"),
        this.tools.args("pods_list_in_namespace"),
        this.identities.headersOf(who),
      );
      const a = leanAnswer(r);
      if (a.kind === "result") return;
      if (a.kind === "tool-error" && a.code && !VALIDATION_CODES.includes(a.code)) {
        await untestableIfPrecondition(this, who, a, ["AH-HDR-10"]);
      }
      fail(`a good call after the faults failed: ${this.secrets.scrub(r.text.slice(0, 200))}`);
    },
  );
});
