// Judgements of results and of the audit log, and whether the target keeps
// serving. The audit log is read after its barrier (`settled`): every request
// that finished before the check is in it, so "no request" means none.

import { ERROR_CODE, VALIDATION_CODES } from "../../../reference-server/src/wire/constants.js";
import { errorAnswer } from "../checks/answer.js";
import { judgeNoSecret, judgeSuccess, lastCall, requireSuccess, uidsIn } from "../checks/judgements.js";
import { untestableIfPrecondition } from "../checks/preconditions.js";
import { expect, fail, Untestable } from "../checks/recorder.js";
import type { AuditEvent } from "../clusters/types.js";
import type { ConformanceWorld } from "../world/world.js";
import { Then } from "./dsl.js";

const ok = (e: AuditEvent) => {
  const code = e.responseStatus?.code ?? 0;
  return code >= 200 && code < 300;
};

Then("the call succeeds", async function (this: ConformanceWorld) {
  await judgeSuccess(this);
});

Then("the result comes from cluster {word}", async function (this: ConformanceWorld, c: string) {
  const last = lastCall(this);
  await this.checks.judge(
    `data-from-${c}`,
    this.checks.subject(),
    `the result carries cluster ${c}'s data and no other's`,
    async () => {
      const a = await requireSuccess(this, last);
      const found = uidsIn(this, a.text);
      expect(
        found.includes(c),
        `the result does not carry cluster ${c}'s identity uid${found.length ? ` (it carries ${found.join(", ")}'s)` : ""}`,
      );
      const others = found.filter((n) => n !== c);
      expect(others.length === 0, `the result carries cluster ${others.join(", ")}'s identity uid too`);
    },
    { call: last.call },
  );
});

Then("the result names cluster {word}", async function (this: ConformanceWorld, c: string) {
  const last = lastCall(this);
  await this.checks.judge(
    `names-${c}`,
    this.checks.subject(),
    `the result names cluster ${c} in its text and structuredContent.cluster`,
    async () => {
      const a = await requireSuccess(this, last);
      const host = new URL(this.net.serverOf(c)).host;
      const sc = (a.result?.structuredContent ?? {}) as { cluster?: { host?: string; server?: string } };
      expect(
        sc.cluster?.host === host || sc.cluster?.server === this.net.serverOf(c),
        `structuredContent.cluster does not name ${host}: ${JSON.stringify(sc.cluster ?? null)}`,
      );
      expect(a.text.includes(host), `the result text does not name ${host}`);
    },
    { call: last.call },
  );
});

Then("the result does not name cluster {word}", async function (this: ConformanceWorld, c: string) {
  const last = lastCall(this);
  await this.checks.judge(
    `not-names-${c}`,
    this.checks.subject(),
    `the result never names cluster ${c}`,
    async () => {
      const a = await requireSuccess(this, last);
      const host = new URL(this.net.serverOf(c)).host;
      const all = `${a.text}\n${JSON.stringify(a.result?.structuredContent ?? {})}`;
      expect(!all.includes(host), `the result still names ${host}`);
    },
    { call: last.call },
  );
});

Then("no minted credential appears in the result", async function (this: ConformanceWorld) {
  const last = lastCall(this);
  const a = last.answer;
  await judgeNoSecret(this, "the result", `${a.text}\n${JSON.stringify(a.result ?? {})}`, last.call);
});

/**
 * AH-HDR-10: after the bad input, a good call of `who` is still served, in this
 * session and in a new one. "Served" means answered as a tuple the provider
 * accepted (a result, or an error from the API server): it does not depend on
 * whether the provider's token handling works, which other scenarios judge.
 */
Then("the target still serves {word}", async function (this: ConformanceWorld, who: string) {
  await this.checks.judge(
    "still-serves",
    ["AH-HDR-10"],
    `a good call of ${who} is still served, in this session and a new one`,
    async () => {
      if (this.target.crashed)
        throw new Untestable(`not judged: ${this.target.crashed.detail} (see target-healthy)`);
      const h = this.identities.headersOf(who);
      const send = this.sessions.overStdio ? { meta: h } : { headers: h };
      const label = this.identities.labelOf(who);
      const here = await this.calls.call("namespaces_list", { ...send, args: {}, label, control: true });
      served(this, here.answer, "the next call in the same session");
      if (this.sessions.overStdio) return;
      let fresh: Awaited<ReturnType<ConformanceWorld["sessions"]["connect"]>>;
      try {
        fresh = await this.sessions.connect();
      } catch (e) {
        fail(`a new session could not be opened: ${errorAnswer(e, 0).text.slice(0, 200)}`);
      }
      const there = await this.calls.call("namespaces_list", {
        ...send,
        args: {},
        label,
        session: fresh,
        control: true,
      });
      served(this, there.answer, "a call in a new session");
    },
  );
});

function served(world: ConformanceWorld, a: ReturnType<typeof errorAnswer>, where: string) {
  if (world.target.crashed) fail(`${world.target.crashed.detail} after the bad input`);
  if (a.kind === "result") return;
  if (a.kind === "no-answer" || a.kind === "http-error")
    fail(
      `${where} got ${a.kind === "no-answer" ? "no answer" : `HTTP ${a.status}`}: ${a.text.slice(0, 160)}`,
    );
  if (a.kind === "tool-error" && a.code && VALIDATION_CODES.includes(a.code))
    fail(
      `${where} was refused as [${a.code}] although its tuple is valid: ${world.secrets.scrub(a.text.slice(0, 160))}`,
    );
}

// ---- audit-log oracles ----

Then(
  "the audit log of cluster {word} shows {word} making a successful request",
  async function (this: ConformanceWorld, c: string, who: string) {
    const last = this.calls.last;
    await this.checks.judge(
      `audit-${who}-served-on-${c}`,
      this.checks.subject(),
      `cluster ${c}'s audit log shows ${who} making a successful request`,
      async () => {
        const user = this.identities.get(who).user;
        if (!this.clusters.get(c).can("auditLog")) return proveByPrivateObject(this, c, who);
        const events = await this.audit.settled(c, user);
        if (events.some(ok)) return;
        // A call of `who` that failed: the scenario's finding, or an identity that fails everywhere?
        const mine = this.calls.lastBy.get(who);
        if (mine && mine.answer.kind !== "result") await untestableIfPrecondition(this, who, mine.answer);
        fail(`no successful request by ${who} in cluster ${c}'s audit log${describe(events)}`);
      },
      last ? { call: last.call } : {},
    );
  },
);

Then(
  "the audit log of cluster {word} shows no request from {word}",
  async function (this: ConformanceWorld, c: string, who: string) {
    await this.checks.judge(
      `audit-no-${who}-on-${c}`,
      this.checks.subject(),
      `cluster ${c} saw no request from ${who}`,
      async () => {
        const events = await this.audit.settled(c, this.identities.get(who).user);
        expect(
          events.length === 0,
          `cluster ${c} saw ${events.length} request(s) from ${who}${describe(events)}`,
        );
      },
      this.calls.last ? { call: this.calls.last.call } : {},
    );
  },
);

Then(
  "the audit log of cluster {word} shows no successful request from {word}",
  async function (this: ConformanceWorld, c: string, who: string) {
    await this.checks.judge(
      `audit-no-success-${who}-on-${c}`,
      this.checks.subject(),
      `cluster ${c} served no request of ${who}`,
      async () => {
        const events = (await this.audit.settled(c, this.identities.get(who).user)).filter(ok);
        expect(
          events.length === 0,
          `cluster ${c} served ${events.length} request(s) of ${who}${describe(events)}`,
        );
      },
      this.calls.last ? { call: this.calls.last.call } : {},
    );
  },
);

Then(
  "the audit log of cluster {word} shows no request with its admin credentials",
  async function (this: ConformanceWorld, c: string) {
    await this.checks.judge(
      `audit-no-admin-on-${c}`,
      this.checks.subject(),
      `cluster ${c} saw no request with its admin credentials`,
      async () => {
        const { X509Certificate } = await import("node:crypto");
        const pem = this.clusters.get(c).info.admin.certPem;
        if (!pem) throw new Untestable(`the harness does not hold cluster ${c}'s admin certificate`);
        const cn = /CN=([^,\n]+)/.exec(new X509Certificate(pem).subject)?.[1];
        if (!cn) throw new Error("cannot read the admin certificate's CN");
        const events = await this.audit.settled(c, cn);
        expect(
          events.length === 0,
          `cluster ${c} saw ${events.length} request(s) with its admin credentials`,
        );
      },
    );
  },
);

Then(
  "the audit log of cluster {word} shows {word} forbidden exactly once",
  async function (this: ConformanceWorld, c: string, who: string) {
    await this.checks.judge(
      `audit-${who}-forbidden-once`,
      this.checks.subject(),
      `cluster ${c} refused ${who} exactly once (no retry with other credentials)`,
      async () => {
        const events = await this.audit.settled(c, this.identities.get(who).user);
        const denied = events.filter((e) => e.responseStatus?.code === 403);
        const mine = this.calls.lastBy.get(who);
        if (denied.length === 0 && mine && mine.answer.code !== ERROR_CODE.forbidden)
          await untestableIfPrecondition(this, who, mine.answer);
        expect(denied.length === 1, `expected exactly one 403 for ${who}, saw ${denied.length} (retries?)`);
        const all = await this.audit.settled(c);
        const others = all.filter((e) => e.requestURI.includes("forbidden-plans") && ok(e));
        expect(others.length === 0, "the forbidden ConfigMap was read with other credentials");
      },
      this.calls.last ? { call: this.calls.last.call } : {},
    );
  },
);

/**
 * Where the audit log cannot be read (an existing cluster): the identity's last
 * call succeeded, and through the provider its tuple reads the one object only
 * it may read (its nonce comes back), while another identity of the scenario on
 * that cluster is refused it. That proves the provider sends the credential it
 * is given to that cluster; it cannot prove what an earlier call did.
 */
async function proveByPrivateObject(world: ConformanceWorld, c: string, who: string): Promise<void> {
  const mine = world.calls.lastBy.get(who);
  if (mine && mine.answer.kind !== "result") {
    await untestableIfPrecondition(world, who, mine.answer);
    fail(`${who}'s call failed: ${world.secrets.scrub(mine.answer.text.slice(0, 160))}`);
  }
  const p = world.clusters.get(c).privateConfigMap(world.identities.get(who));
  const args = { apiVersion: "v1", kind: "ConfigMap", namespace: p.namespace, name: p.name };
  const read = (as: string) =>
    world.calls.call("resources_get", {
      headers: world.identities.headersOf(as),
      args,
      label: world.identities.labelOf(as, [`reads ${who}'s private ConfigMap`]),
      control: true,
    });
  const own = await read(who);
  expect(
    own.answer.kind === "result",
    `${who} cannot read its own private object through the provider: ${own.answer.text.slice(0, 160)}`,
  );
  expect(own.answer.text.includes(p.nonce), `reading ${who}'s private object did not return its nonce`);
  const other = world.identities
    .entries()
    .find(([n, e]) => n !== who && e.cluster === c && e.identity.privateConfigMap)?.[0];
  if (other) {
    const theirs = await read(other);
    expect(
      theirs.answer.kind !== "result",
      `${other}'s tuple read ${who}'s private object: the provider used another credential`,
    );
  }
}

function describe(events: AuditEvent[]): string {
  if (events.length === 0) return "";
  const shown = events
    .slice(0, 3)
    .map((e) => `${e.verb} ${e.requestURI.split("?")[0]} → ${e.responseStatus?.code}`);
  return ` (${shown.join("; ")}${events.length > 3 ? "; …" : ""})`;
}
