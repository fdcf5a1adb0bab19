import type { ConformanceWorld } from "../world/world.js";
import { assert, Then } from "./dsl.js";

function describe(world: ConformanceWorld): string {
  if (world.lastError) return `the request failed at the protocol level: ${world.lastError.message}`;
  if (!world.last) return "no call was made";
  return `result (isError=${world.last.isError}): ${world.last.text.slice(0, 300)}`;
}

export function expectSuccess(world: ConformanceWorld) {
  const o = world.last;
  assert(o && !o.isError, `expected success, got ${describe(world)}`);
  return o;
}

export function expectError(world: ConformanceWorld, code?: string) {
  const o = world.last;
  assert(o, `expected an isError result${code ? ` [${code}]` : ""}, got ${describe(world)}`);
  assert(o.isError, `expected an error${code ? ` [${code}]` : ""}, got success: ${o.text.slice(0, 200)}`);
  if (code) assert(o.code === code, `expected [${code}], got ${describe(world)}`);
  assert(!/\n\s+at .+\(.+:\d+:\d+\)/.test(o.text), "the error contains a stack trace (AH-ERR-3)");
  return o;
}

Then("the call succeeds", function (this: ConformanceWorld) {
  expectSuccess(this);
});

Then("the call fails", function (this: ConformanceWorld) {
  expectError(this);
});

Then("the call fails with {string}", function (this: ConformanceWorld, code: string) {
  expectError(this, code.replace(/^\[|\]$/g, ""));
});

Then(
  "the call fails with {string} naming {string}",
  function (this: ConformanceWorld, code: string, name: string) {
    const o = expectError(this, code.replace(/^\[|\]$/g, ""));
    assert(o.text.toLowerCase().includes(name.toLowerCase()), `the error does not name "${name}": ${o.text}`);
  },
);

Then("the call fails with one of {string}", function (this: ConformanceWorld, codes: string) {
  const allowed = codes.split(/[,\s]+/).map((c) => c.replace(/^\[|\]$/g, ""));
  const o = expectError(this);
  assert(o.code && allowed.includes(o.code), `expected one of ${allowed.join(", ")}, got ${describe(this)}`);
});

Then("the result comes from cluster {word}", function (this: ConformanceWorld, c: string) {
  const o = expectSuccess(this);
  const uid = this.cluster(c).info.identityUid;
  assert(uid, `cluster ${c} has no identity uid`);
  assert(o.text.includes(uid), `the result does not contain cluster ${c}'s identity uid`);
  for (const [name, other] of this.clusters()) {
    const u = other.info.identityUid;
    if (name !== c && u) assert(!o.text.includes(u), `the result contains cluster ${name}'s identity uid`);
  }
});

Then("the result names cluster {word}", function (this: ConformanceWorld, c: string) {
  const o = expectSuccess(this);
  const host = new URL(this.cluster(c).server).host;
  const sc = (o.result.structuredContent ?? {}) as { cluster?: { host?: string; server?: string } };
  assert(
    sc.cluster?.host === host || sc.cluster?.server === this.cluster(c).server,
    `structuredContent.cluster does not name ${host}: ${JSON.stringify(sc.cluster ?? null)}`,
  );
  assert(o.text.includes(host), `the result text does not name ${host}`);
});

Then("the result does not name cluster {word}", function (this: ConformanceWorld, c: string) {
  const o = expectSuccess(this);
  const host = new URL(this.cluster(c).server).host;
  const all = `${o.text}\n${JSON.stringify(o.result.structuredContent ?? {})}`;
  assert(!all.includes(host), `the result still names ${host}`);
});

Then("no minted credential appears in the result", function (this: ConformanceWorld) {
  const o = this.last;
  const text = o ? `${o.text}\n${JSON.stringify(o.result)}` : (this.lastError?.message ?? "");
  const leaks = this.secrets.leaks(text);
  assert(leaks.length === 0, `the result contains ${leaks.length} minted credential value(s)`);
});

Then("the target still serves {word}", async function (this: ConformanceWorld, who: string) {
  const s = this.session ?? (await this.defaultSession());
  const o = await s.call(this.tool("namespaces_list"), {}, { headers: this.headersOf(who) });
  assert(!o.isError, `the next call in the same session failed: ${o.text.slice(0, 200)}`);
  const fresh = await this.connect();
  const o2 = await fresh.call(this.tool("namespaces_list"), {}, { headers: this.headersOf(who) });
  assert(!o2.isError, `a call in a new session failed: ${o2.text.slice(0, 200)}`);
});

// ---- audit-log oracles ----

Then(
  "the audit log of cluster {word} shows {word} making a successful request",
  async function (this: ConformanceWorld, c: string, who: string) {
    const user = this.identity(who).user;
    const events = await pollAudit(this, c, user, (ev) => ev.some(ok));
    assert(events.some(ok), `no successful request by ${user} in cluster ${c}'s audit log`);
  },
);

Then(
  "the audit log of cluster {word} shows no request from {word}",
  async function (this: ConformanceWorld, c: string, who: string) {
    await settle();
    const user = this.identity(who).user;
    const events = await this.auditSince(c, user);
    assert(events.length === 0, `cluster ${c} saw ${events.length} request(s) from ${user}`);
  },
);

Then(
  "the audit log of cluster {word} shows no successful request from {word}",
  async function (this: ConformanceWorld, c: string, who: string) {
    await settle();
    const user = this.identity(who).user;
    const events = (await this.auditSince(c, user)).filter(ok);
    assert(events.length === 0, `cluster ${c} served ${events.length} request(s) for ${user}`);
  },
);

Then(
  "the audit log of cluster {word} shows no request with its admin credentials",
  async function (this: ConformanceWorld, c: string) {
    await settle();
    const { X509Certificate } = await import("node:crypto");
    const cn = /CN=([^,\n]+)/.exec(new X509Certificate(this.cluster(c).info.admin.certPem).subject)?.[1];
    assert(cn, "cannot read the admin certificate's CN");
    const events = await this.auditSince(c, cn);
    assert(events.length === 0, `cluster ${c} saw ${events.length} request(s) with its admin credentials`);
  },
);

const ok = (e: { responseStatus?: { code?: number } }) => {
  const code = e.responseStatus?.code ?? 0;
  return code >= 200 && code < 300;
};

/** Audit events are written asynchronously: wait a little for them. */
export async function pollAudit(
  world: ConformanceWorld,
  cluster: string,
  user: string,
  done: (events: Awaited<ReturnType<ConformanceWorld["auditSince"]>>) => boolean,
  timeoutMs = 5000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await world.auditSince(cluster, user);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));

Then(
  "the audit log of cluster {word} shows {word} forbidden exactly once",
  async function (this: ConformanceWorld, c: string, who: string) {
    const user = this.identity(who).user;
    await pollAudit(this, c, user, (ev) => ev.some((e) => e.responseStatus?.code === 403));
    await settle(1000);
    const events = await this.auditSince(c, user);
    const denied = events.filter((e) => e.responseStatus?.code === 403);
    assert(denied.length === 1, `expected exactly one 403 for ${user}, saw ${denied.length} (retries?)`);
    const others = events.filter((e) => e.requestURI.includes("forbidden-plans") && ok(e));
    assert(others.length === 0, "the forbidden ConfigMap was read with other credentials");
  },
);
