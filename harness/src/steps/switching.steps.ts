import type { ToolOutcome } from "../mcp/client.js";
import type { ConformanceWorld } from "../world/world.js";
import { pollAudit } from "./assertions.steps.js";
import { assert, Then, When } from "./dsl.js";

interface Tagged {
  who: string;
  cluster: string;
  outcome?: ToolOutcome;
  error?: string;
}

When(
  "{int} concurrent calls read the cluster identity, interleaving {word}, {word}, {word} and {word}",
  async function (this: ConformanceWorld, n: number, a: string, b: string, c: string, d: string) {
    const who = [a, b, c, d];
    const sessions = [this.session ?? (await this.defaultSession()), await this.connect()];
    const calls: Tagged[] = Array.from({ length: n }, (_, i) => {
      const w = who[i % who.length] as string;
      return { who: w, cluster: this.identityCluster(w) };
    });
    await Promise.all(
      calls.map(async (call, i) => {
        const s = sessions[i % sessions.length];
        if (!s) return;
        try {
          call.outcome = await s.call(this.tool("resources_get"), this.args("resources_get"), {
            headers: this.headersOf(call.who),
          });
        } catch (e) {
          call.error = (e as Error).message;
        }
      }),
    );
    this.bag.set("concurrent", calls);
  },
);

Then("every result comes from the cluster of its identity", function (this: ConformanceWorld) {
  const calls = this.bag.get("concurrent") as Tagged[];
  const problems: string[] = [];
  for (const [i, c] of calls.entries()) {
    if (c.error || !c.outcome) {
      problems.push(`call ${i} (${c.who}): ${c.error ?? "no outcome"}`);
      continue;
    }
    if (c.outcome.isError) {
      problems.push(`call ${i} (${c.who}): ${c.outcome.text.slice(0, 120)}`);
      continue;
    }
    for (const [name, cl] of this.clusters()) {
      const uid = cl.info.identityUid ?? "";
      const has = uid !== "" && c.outcome.text.includes(uid);
      if (name === c.cluster && !has) problems.push(`call ${i} (${c.who}) lacks cluster ${name}'s uid`);
      if (name !== c.cluster && has)
        problems.push(`call ${i} (${c.who}) shows cluster ${name}'s uid (cross-talk)`);
    }
  }
  assert(problems.length === 0, `${problems.length} problem(s):\n${problems.slice(0, 10).join("\n")}`);
});

Then(
  "the audit logs show every identity only on its own cluster, as itself",
  async function (this: ConformanceWorld) {
    const calls = this.bag.get("concurrent") as Tagged[];
    const byWho = new Map<string, number>();
    for (const c of calls) byWho.set(c.who, (byWho.get(c.who) ?? 0) + 1);
    for (const [who, count] of byWho) {
      const own = this.identityCluster(who);
      const user = this.identity(who).user;
      const events = await pollAudit(
        this,
        own,
        user,
        (ev) => ev.filter((e) => e.verb === "get").length >= count,
      );
      const gets = events.filter((e) => e.verb === "get" && e.requestURI.includes("cluster-identity"));
      assert(gets.length >= count, `cluster ${own} logged ${gets.length} of ${count} reads by ${user}`);
      for (const name of this.clusters().keys()) {
        if (name === own) continue;
        const foreign = await this.auditSince(name, user);
        assert(foreign.length === 0, `cluster ${name} saw ${foreign.length} request(s) as ${user}`);
      }
    }
  },
);
