import { type Answer, errorAnswer, resultAnswer } from "../checks/answer.js";
import { uidsIn } from "../checks/judgements.js";
import { untestableIfPrecondition } from "../checks/preconditions.js";
import { expect } from "../checks/recorder.js";
import type { ConformanceWorld } from "../world/world.js";
import { Then, When } from "./dsl.js";
import { CONCURRENT } from "./state.js";

When(
  "{int} concurrent calls read the cluster identity, interleaving {word}, {word}, {word} and {word}",
  async function (this: ConformanceWorld, n: number, a: string, b: string, c: string, d: string) {
    const who = [a, b, c, d];
    const sessions = [
      this.sessions.current ?? (await this.sessions.default()),
      await this.sessions.connect(),
    ];
    const calls = Array.from({ length: n }, (_, i) => {
      const w = who[i % who.length] as string;
      return { who: w, cluster: this.identities.clusterOf(w), answer: undefined as Answer | undefined };
    });
    const at = this.ctx.elapsed();
    const t0 = performance.now();
    await Promise.all(
      calls.map(async (call, i) => {
        const s = sessions[i % sessions.length];
        if (!s) return;
        const t = performance.now();
        try {
          const r = await s.callRaw(
            this.tools.name("resources_get"),
            this.tools.args("resources_get", call.cluster),
            {
              headers: this.identities.headersOf(call.who),
            },
          );
          call.answer = resultAnswer(r, performance.now() - t);
        } catch (e) {
          call.answer = errorAnswer(e, performance.now() - t);
        }
      }),
    );
    this.features.set(CONCURRENT, calls);
    this.timeline.addBatch(
      `${n} concurrent identity reads by ${who.join(", ")} over 2 sessions`,
      calls,
      (call) => verdictOf(this, call),
      { at, durationMs: performance.now() - t0 },
    );
    await this.target.check(calls.some((x) => x.answer?.kind === "no-answer"));
  },
);

function verdictOf(world: ConformanceWorld, call: { who: string; cluster: string; answer?: Answer }): string {
  const a = call.answer;
  if (!a) return "not sent";
  if (a.kind !== "result") return a.code ? `[${a.code}]` : a.kind;
  const found = uidsIn(world, a.text);
  if (found.length === 1 && found[0] === call.cluster) return "own cluster";
  return found.length ? `cross-talk (${found.join("+")})` : "no cluster data";
}

Then("every result comes from the cluster of its identity", async function (this: ConformanceWorld) {
  const calls = this.features.get(CONCURRENT) ?? [];
  await this.checks.judge(
    "no-cross-talk",
    this.checks.subject(),
    "every result carries its own cluster's data",
    async () => {
      const crossTalk: string[] = [];
      const errors = new Map<string, Answer>();
      for (const [i, c] of calls.entries()) {
        const v = verdictOf(this, c);
        if (v === "own cluster") continue;
        if (c.answer && c.answer.kind !== "result") errors.set(c.who, c.answer);
        else crossTalk.push(`call ${i} (${c.who}): ${v}`);
      }
      expect(
        crossTalk.length === 0,
        `${crossTalk.length} result(s) with the wrong cluster's data:\n${crossTalk.slice(0, 10).join("\n")}`,
      );
      for (const [who, a] of errors) {
        await untestableIfPrecondition(this, who, a, this.checks.subject());
      }
      const n = calls.filter((c) => c.answer && c.answer.kind !== "result").length;
      expect(
        n === 0,
        `${n} call(s) failed: ${[...errors].map(([w, a]) => `${w}: ${a.text.slice(0, 100)}`).join("; ")}`,
      );
    },
  );
});

Then(
  "the audit logs show every identity only on its own cluster, as itself",
  async function (this: ConformanceWorld) {
    const calls = this.features.get(CONCURRENT) ?? [];
    await this.checks.judge(
      "audit-own-cluster-only",
      this.checks.subject(),
      "each identity appears only on its own cluster, once per successful call",
      async () => {
        const byWho = new Map<string, number>();
        for (const c of calls) if (c.answer?.kind === "result") byWho.set(c.who, (byWho.get(c.who) ?? 0) + 1);
        for (const [who, count] of byWho) {
          const own = this.identities.clusterOf(who);
          const user = this.identities.get(who).user;
          const gets = (await this.audit.settled(own, user)).filter(
            (e) => e.verb === "get" && e.requestURI.includes("cluster-identity"),
          );
          expect(gets.length >= count, `cluster ${own} logged ${gets.length} of ${count} reads by ${who}`);
          for (const name of this.audit.marks.keys()) {
            if (name === own) continue;
            const foreign = await this.audit.settled(name, user);
            expect(foreign.length === 0, `cluster ${name} saw ${foreign.length} request(s) as ${who}`);
          }
        }
      },
    );
  },
);
