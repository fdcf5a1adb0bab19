// @load: thousands of concurrent calls, 2 clusters × 4 identities each, headers
// and _meta mixed, one session and several; per-call and audit-log checks.
import { setParallelCanAssign } from "@cucumber/cucumber";
import { leanAnswer } from "../checks/answer.js";
import { untestableIfPrecondition } from "../checks/preconditions.js";
import { expect } from "../checks/recorder.js";
import { LeanMcp } from "../load/lean-mcp.js";
import type { LoadCall, LoadState } from "../load/state.js";
import { describeStats, prng, runPool, seedFrom, summarize } from "../load/stats.js";
import type { ConformanceWorld } from "../world/world.js";
import { Given, Then, When } from "./dsl.js";
import { LOAD } from "./state.js";

function load(world: ConformanceWorld): LoadState {
  const load = world.features.get(LOAD);
  if (!load) throw new Error("no load identities (a Given step mints them)");
  return load;
}

// @load and @fault measure latency: in a parallel run they start only when no other scenario
// runs, and nothing else starts while one of them runs (their figures would otherwise measure
// the neighbours). Other scenarios keep running in parallel with each other.
const EXCLUSIVE = ["@load", "@fault"];
const exclusive = (p: { tags: readonly { name: string }[] }) =>
  p.tags.some((t) => EXCLUSIVE.includes(t.name));
setParallelCanAssign((candidate, inProgress) =>
  exclusive(candidate) ? inProgress.length === 0 : !inProgress.some(exclusive),
);

Given(
  "{int} token and {int} client-certificate identities on each of clusters {word} and {word}",
  async function (this: ConformanceWorld, nt: number, nc: number, a: string, b: string) {
    const names: string[] = [];
    await Promise.all(
      [a, b].flatMap((cl) => [
        ...Array.from({ length: nt }, async (_, i) => {
          const name = `load-${cl}-token-${i}`;
          this.identities.register(name, cl, await this.clusters.get(cl).mintTokenIdentity());
          names.push(name);
        }),
        ...Array.from({ length: nc }, async (_, i) => {
          const name = `load-${cl}-cert-${i}`;
          this.identities.register(name, cl, await this.clusters.get(cl).mintCertIdentity());
          names.push(name);
        }),
      ]),
    );
    this.features.set(LOAD, { identities: names.sort(), calls: [] });
  },
);

When(
  "{int} calls at concurrency {int} read the cluster identity, mixing headers and _meta on {int} sessions",
  async function (this: ConformanceWorld, n: number, concurrency: number, nSessions: number) {
    const state = load(this);
    const who = state.identities;
    const seed = seedFrom("AHC_LOAD_SEED");
    const rnd = prng(seed);
    // A lean JSON-RPC client (undici, keep-alive): the figures are the provider's, not an SDK's.
    const url = await this.target.url();
    const sessions: LeanMcp[] = [];
    for (let i = 0; i < nSessions; i++) {
      const s = await this.sessions.openWith((h) => LeanMcp.open(url, concurrency, false, h));
      sessions.push(s);
      this.cleanups.push(() => s.close());
    }
    const canMeta = this.profile.capabilities.includes("meta");
    // Half of the calls share session 0 ("in one session"), the rest spread over the others.
    const calls: LoadCall[] = Array.from({ length: n }, () => {
      const w = who[Math.floor(rnd() * who.length)] as string;
      return {
        who: w,
        cluster: this.identities.clusterOf(w),
        via: canMeta && rnd() < 0.5 ? "meta" : "headers",
        session: rnd() < 0.5 || nSessions === 1 ? 0 : 1 + Math.floor(rnd() * (nSessions - 1)),
      };
    });
    const tool = this.tools.name("resources_get");
    const argsOf = new Map(
      [...this.clusters.all().keys()].map((k) => [k, this.tools.args("resources_get", k)]),
    );
    const at = this.ctx.elapsed();
    const t0 = performance.now();
    await runPool(
      n,
      concurrency,
      async (i) => {
        const c = calls[i] as LoadCall;
        const s = sessions[c.session] as LeanMcp;
        const h = this.identities.headersOf(c.who);
        try {
          const args = argsOf.get(c.cluster) ?? {};
          c.outcome = c.via === "meta" ? await s.call(tool, args, {}, h) : await s.call(tool, args, h);
        } catch (e) {
          c.error = (e as Error).message;
        }
      },
      { deadlineMs: 75_000 },
    );
    const wall = performance.now() - t0;
    const done = calls.filter((c) => c.outcome);
    const stats = summarize(
      done.map((c) => c.outcome?.durationMs ?? 0),
      wall,
    );
    const line = `${describeStats(`load (seed ${seed}, AHC_LOAD_SEED to replay; concurrency ${concurrency}, ${nSessions} sessions, ${calls.filter((c) => c.via === "meta").length} via _meta)`, stats)}`;
    this.attach(line, "text/plain");
    process.stderr.write(`\n[load] ${line}\n`);
    state.calls = calls;
    this.timeline.addBatch(
      `${n} identity reads at concurrency ${concurrency} by ${who.length} identities on ${nSessions} sessions (seed ${seed})`,
      calls,
      (c) => classify(this, c),
      { at, durationMs: wall },
    );
    await this.target.check(calls.some((c) => c.error !== undefined));
  },
);

/** own cluster | cross-talk | an error code | no answer */
function classify(world: ConformanceWorld, c: LoadCall): string {
  if (c.error || !c.outcome) return "no answer";
  const a = leanAnswer(c.outcome);
  if (a.kind !== "result") return a.code ? `[${a.code}]` : a.kind;
  const found = [...world.clusters.all()].filter(
    ([, cl]) => cl.info.identityUid && a.text.includes(cl.info.identityUid),
  );
  if (found.length === 1 && found[0]?.[0] === c.cluster) return "own cluster";
  return found.length ? "cross-talk" : "no cluster data";
}

Then("every load result names its own cluster and identity", async function (this: ConformanceWorld) {
  const { calls } = load(this);
  await this.checks.judge(
    "no-cross-talk",
    this.checks.subject(),
    "every result carries its own cluster's data",
    async () => {
      const counts = new Map<string, number>();
      const examples = new Map<string, string>();
      const failedBy = new Map<string, LoadCall>();
      for (const [i, c] of calls.entries()) {
        const k = classify(this, c);
        if (k === "own cluster") continue;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        if (!examples.has(k))
          examples.set(
            k,
            `call ${i} (${c.who} via ${c.via} on session ${c.session}): ${this.secrets.scrub((c.error ?? c.outcome?.text ?? "").slice(0, 120))}`,
          );
        if (k !== "cross-talk" && k !== "no cluster data" && c.outcome) failedBy.set(c.who, c);
      }
      const summary = [...counts].map(([k, n]) => `${n} × ${k} (e.g. ${examples.get(k)})`).join("\n");
      const wrong = (counts.get("cross-talk") ?? 0) + (counts.get("no cluster data") ?? 0);
      expect(
        wrong === 0,
        `${wrong} of ${calls.length} result(s) with another cluster's data or none:\n${summary}`,
      );
      // Errors of identities that fail even alone belong to another requirement.
      for (const [who, c] of failedBy) {
        if (!c.outcome) continue;
        await untestableIfPrecondition(this, who, leanAnswer(c.outcome), this.checks.subject());
      }
      const bad = [...counts.values()].reduce((a, b) => a + b, 0);
      expect(bad === 0, `${bad} of ${calls.length} load call(s) failed:\n${summary}`);
    },
  );
});

Then(
  "the audit logs count exactly each identity's calls on its own cluster and none on the other",
  async function (this: ConformanceWorld) {
    const { calls, identities: who } = load(this);
    await this.checks.judge(
      "audit-counts",
      this.checks.subject(),
      "each identity's reads are logged on its own cluster, exactly, and nowhere else",
      async () => {
        const clusterNames = [...new Set(who.map((w) => this.identities.clusterOf(w)))];
        const events = new Map<string, Awaited<ReturnType<ConformanceWorld["audit"]["settled"]>>>();
        for (const name of clusterNames) events.set(name, await this.audit.settled(name));
        const problems: string[] = [];
        for (const w of who) {
          const user = this.identities.get(w).user;
          const own = this.identities.clusterOf(w);
          const expectGets = calls.filter((c) => c.who === w && c.outcome && !c.outcome.isError).length;
          for (const name of clusterNames) {
            const ev = (events.get(name) ?? []).filter((e) => e.user.username === user);
            if (name !== own) {
              if (ev.length > 0) problems.push(`cluster ${name} logged ${ev.length} request(s) as ${w}`);
              continue;
            }
            const gets = ev.filter(
              (e) =>
                e.verb === "get" &&
                e.requestURI.includes("/configmaps/cluster-identity") &&
                (e.responseStatus?.code ?? 0) < 300,
            );
            if (gets.length !== expectGets)
              problems.push(
                `cluster ${name} logged ${gets.length} served identity reads by ${w}, expected ${expectGets}`,
              );
          }
        }
        expect(
          problems.length === 0,
          `audit logs disagree with the calls (${problems.length}):\n${problems.slice(0, 12).join("\n")}`,
        );
      },
    );
  },
);
