// @load: thousands of concurrent calls, 2 clusters × 4 identities each, headers
// and _meta mixed, one session and several; per-call and audit-log checks.
import { setParallelCanAssign } from "@cucumber/cucumber";
import { LeanMcp, type LeanResult } from "../load/lean-mcp.js";
import { describeStats, prng, runPool, seedFrom, summarize } from "../load/stats.js";
import type { ConformanceWorld } from "../world/world.js";
import { assert, Given, Then, When } from "./dsl.js";

// @load and @fault measure latency: in a parallel run they start only when no other scenario
// runs, and nothing else starts while one of them runs (their figures would otherwise measure
// the neighbours). Other scenarios keep running in parallel with each other.
const EXCLUSIVE = ["@load", "@fault"];
const exclusive = (p: { tags: readonly { name: string }[] }) =>
  p.tags.some((t) => EXCLUSIVE.includes(t.name));
setParallelCanAssign((candidate, inProgress) =>
  exclusive(candidate) ? inProgress.length === 0 : !inProgress.some(exclusive),
);

interface LoadCall {
  who: string;
  cluster: string;
  tool: "resources_get" | "whoami";
  via: "headers" | "meta";
  session: number;
  outcome?: LeanResult;
  error?: string;
}

const LOAD_KEY = "load";

Given(
  "{int} token and {int} client-certificate identities on each of clusters {word} and {word}",
  async function (this: ConformanceWorld, nt: number, nc: number, a: string, b: string) {
    const names: string[] = [];
    await Promise.all(
      [a, b].flatMap((cl) => [
        ...Array.from({ length: nt }, async (_, i) => {
          const name = `load-${cl}-token-${i}`;
          this.registerIdentity(name, cl, await this.cluster(cl).mintTokenIdentity());
          names.push(name);
        }),
        ...Array.from({ length: nc }, async (_, i) => {
          const name = `load-${cl}-cert-${i}`;
          this.registerIdentity(name, cl, await this.cluster(cl).mintCertIdentity());
          names.push(name);
        }),
      ]),
    );
    this.bag.set("loadIdentities", names.sort());
  },
);

When(
  "{int} calls at concurrency {int} read the cluster identity or ask whoami, mixing headers and _meta on {int} sessions",
  async function (this: ConformanceWorld, n: number, concurrency: number, nSessions: number) {
    const who = this.bag.get("loadIdentities") as string[];
    const seed = seedFrom("AHC_LOAD_SEED");
    const rnd = prng(seed);
    // A lean JSON-RPC client (node:http, keep-alive): the figures are the provider's, not an SDK's.
    const sessions: LeanMcp[] = [];
    for (let i = 0; i < nSessions; i++) {
      const s = await LeanMcp.open(this.targetUrl(), concurrency, false);
      sessions.push(s);
      this.cleanups.push(() => s.close());
    }
    const canMeta = this.profile.capabilities.includes("meta");
    // Half of the calls share session 0 ("in one session"), the rest spread over the others.
    const calls: LoadCall[] = Array.from({ length: n }, () => {
      const w = who[Math.floor(rnd() * who.length)] as string;
      return {
        who: w,
        cluster: this.identityCluster(w),
        tool: rnd() < 0.5 ? "resources_get" : "whoami",
        via: canMeta && rnd() < 0.5 ? "meta" : "headers",
        session: rnd() < 0.5 || nSessions === 1 ? 0 : 1 + Math.floor(rnd() * (nSessions - 1)),
      };
    });
    const t0 = performance.now();
    await runPool(
      n,
      concurrency,
      async (i) => {
        const c = calls[i] as LoadCall;
        const s = sessions[c.session] as LeanMcp;
        const h = this.headersOf(c.who);
        const args = c.tool === "whoami" ? {} : this.args("resources_get");
        const tool = c.tool === "whoami" ? "whoami" : this.tool("resources_get");
        try {
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
    this.bag.set(LOAD_KEY, calls);
  },
);

Then("every load result names its own cluster and identity", function (this: ConformanceWorld) {
  const calls = this.bag.get(LOAD_KEY) as LoadCall[];
  const who = this.bag.get("loadIdentities") as string[];
  const users = new Map(who.map((w) => [w, this.identity(w).user]));
  const problems: string[] = [];
  for (const [i, c] of calls.entries()) {
    const tag = `call ${i} (${c.who} via ${c.via} on session ${c.session}, ${c.tool})`;
    if (c.error || !c.outcome) {
      problems.push(`${tag}: ${c.error ?? "not run (time bound reached)"}`);
      continue;
    }
    if (c.outcome.isError) {
      problems.push(`${tag}: ${c.outcome.text.slice(0, 160)}`);
      continue;
    }
    const text = c.outcome.text;
    if (c.tool === "resources_get") {
      for (const [name, cl] of this.clusters()) {
        const uid = cl.info.identityUid ?? "";
        const has = uid !== "" && text.includes(uid);
        if (name === c.cluster && !has) problems.push(`${tag}: lacks cluster ${name}'s uid`);
        if (name !== c.cluster && has) problems.push(`${tag}: shows cluster ${name}'s uid (cross-talk)`);
      }
    } else {
      const own = users.get(c.who) as string;
      if (!text.includes(own)) problems.push(`${tag}: whoami does not name ${own}`);
      for (const [w, u] of users) {
        if (w !== c.who && text.includes(u)) problems.push(`${tag}: whoami names ${u} (cross-talk)`);
      }
    }
  }
  assert(
    problems.length === 0,
    `${problems.length} of ${calls.length} load call(s) wrong:\n${problems.slice(0, 12).join("\n")}`,
  );
});

Then(
  "the audit logs count exactly each identity's calls on its own cluster and none on the other",
  async function (this: ConformanceWorld) {
    const calls = this.bag.get(LOAD_KEY) as LoadCall[];
    const who = this.bag.get("loadIdentities") as string[];
    const clusterNames = [...new Set(who.map((w) => this.identityCluster(w)))];
    const events = new Map<string, Awaited<ReturnType<ConformanceWorld["auditSince"]>>>();
    for (const name of clusterNames) {
      const mark = this.marks.get(name);
      assert(mark, `no audit mark for cluster ${name}`);
      events.set(name, await this.cluster(name).audit.settled(mark));
    }
    const problems: string[] = [];
    for (const w of who) {
      const user = this.identity(w).user;
      const own = this.identityCluster(w);
      const mine = calls.filter((c) => c.who === w && c.outcome);
      const expectGets = mine.filter((c) => c.tool === "resources_get").length;
      const expectReviews = mine.filter((c) => c.tool === "whoami").length;
      for (const name of clusterNames) {
        const ev = (events.get(name) ?? []).filter((e) => e.user.username === user);
        if (name !== own) {
          if (ev.length > 0) problems.push(`cluster ${name} logged ${ev.length} request(s) as ${user}`);
          continue;
        }
        const gets = ev.filter(
          (e) => e.verb === "get" && e.requestURI.includes("/configmaps/cluster-identity"),
        );
        const reviews = ev.filter((e) => e.verb === "create" && e.requestURI.includes("selfsubjectreviews"));
        if (gets.length !== expectGets)
          problems.push(
            `cluster ${name} logged ${gets.length} identity reads by ${user}, expected ${expectGets}`,
          );
        if (reviews.length !== expectReviews)
          problems.push(
            `cluster ${name} logged ${reviews.length} whoami reviews by ${user}, expected ${expectReviews}`,
          );
        const refused = ev.filter((e) => (e.responseStatus?.code ?? 200) >= 400);
        if (refused.length > 0)
          problems.push(`cluster ${name} refused ${refused.length} request(s) by ${user}`);
      }
    }
    assert(problems.length === 0, `audit logs disagree with the calls:\n${problems.slice(0, 12).join("\n")}`);
  },
);
