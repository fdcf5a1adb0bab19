// Oracles on the network: canaries, a redirecting front, a TLS-name proxy, a
// hung server, a path-prefix gateway. Loopback addresses only.
import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { judgeErrorForm, lastCall, requireSuccess } from "../checks/judgements.js";
import { untestableIfPrecondition } from "../checks/preconditions.js";
import { expect, fail, NotApplicable, Untestable } from "../checks/recorder.js";
import { judgeNotDelayed, judgeWindows } from "../checks/timing.js";
import { bearerToken } from "../credentials/bearer.js";
import type { McpSession } from "../mcp/client.js";
import {
  bigAnswerServer,
  hangListener,
  httpCanary,
  httpsRecorder,
  type Listener,
  prefixProxy,
  tcpCanary,
  tcpProxy,
} from "../oracles/listeners.js";
import { b64, makeServerCert } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";
import { Given, Then, When } from "./dsl.js";
import { OTHER_TENANT_RULE, whileOtherTenantCalls } from "./other-tenant.js";
import type { Route } from "./parameter-types.js";
import { ORACLES, type Oracles, SLOW } from "./state.js";

function keep<K extends keyof Oracles>(world: ConformanceWorld, key: K, l: NonNullable<Oracles[K]>) {
  world.net.track(l as Listener);
  world.features.of(ORACLES, (): Oracles => ({}))[key] = l;
  return l;
}

function oracle<K extends keyof Oracles>(world: ConformanceWorld, key: K): NonNullable<Oracles[K]> {
  const l = world.features.get(ORACLES)?.[key];
  if (!l) throw new Error(`no ${key} in this scenario`);
  return l as NonNullable<Oracles[K]>;
}

Given("a TCP canary on {loopback}", async function (this: ConformanceWorld, host: string) {
  keep(this, "tcpCanary", await tcpCanary(host));
});

Given("a plain-HTTP canary", async function (this: ConformanceWorld) {
  keep(this, "httpCanary", await httpCanary("127.0.0.1"));
});

Given("a TCP proxy on 127.0.0.3 to cluster {word}", async function (this: ConformanceWorld, c: string) {
  const u = new URL(this.clusters.get(c).server);
  keep(this, "proxy", await tcpProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.3"));
});

Given("a hung API server", async function (this: ConformanceWorld) {
  keep(this, "hung", await hangListener("127.0.0.1"));
});

Given("an HTTPS front that answers 307 to a canary", async function (this: ConformanceWorld) {
  const ca = await this.oracleCa();
  const pem = await makeServerCert(ca, ["127.0.0.1"]);
  const canary = keep(this, "redirectCanary", await httpsRecorder(pem, { status: 200 }));
  keep(this, "front", await httpsRecorder(pem, { status: 307, location: `https://${canary.address}` }));
});

Given(
  "an HTTPS gateway serving cluster {word} under the path {string}",
  async function (this: ConformanceWorld, c: string, prefix: string) {
    const ca = await this.oracleCa();
    const pem = await makeServerCert(ca, ["127.0.0.1"]);
    const cluster = this.clusters.get(c);
    keep(this, "gateway", await prefixProxy(pem, cluster.server, cluster.info.caPem, prefix));
    this.features.of(ORACLES, (): Oracles => ({})).gatewayPrefix = prefix;
  },
);

async function withServer(
  world: ConformanceWorld,
  who: string,
  tool: string,
  server: string,
  label: string,
  ca?: { value: string; label: string },
  opts: { timeoutMs?: number; session?: McpSession } = {},
) {
  const h = world.identities.headersOf(who);
  h[HEADER.server] = server;
  const changes = [`${HEADER.server} = ${label}`];
  if (ca) {
    h[HEADER.certificateAuthorityData] = ca.value;
    changes.push(`${HEADER.certificateAuthorityData} = ${ca.label}`);
  }
  const t = world.identities.labelOf(who, changes);
  return world.calls.call(tool, { headers: h, label: { ...t, server: label }, ...opts });
}

/** How long a call to a server that never ends its answer may take: the request timeout + 5 s. */
const slowCallLimitMs = (world: ConformanceWorld) =>
  (world.target.requestTimeoutMs ?? world.profile.defaultRequestTimeoutMs) + 5000;

Given(
  "an HTTPS API server whose answers are {int} MiB",
  async function (this: ConformanceWorld, mib: number) {
    const ca = await this.oracleCa();
    const pem = await makeServerCert(ca, ["127.0.0.1"]);
    keep(this, "bigAnswer", await bigAnswerServer(pem, mib * 1024 * 1024));
  },
);

When(
  "{word} calls {string} against the large-answer server while {word} calls {string} {int} times",
  async function (
    this: ConformanceWorld,
    who: string,
    tool: string,
    other: string,
    otherTool: string,
    n: number,
  ) {
    const big = oracle(this, "bigAnswer");
    const ca = { value: b64((await this.oracleCa()).certPem), label: "the oracle CA" };
    const s = await this.sessions.connect();
    await whileOtherTenantCalls(
      this,
      () =>
        withServer(this, who, tool, `https://${big.address}`, "a server with huge answers", ca, {
          timeoutMs: slowCallLimitMs(this) + 1000,
        }),
      { who: other, tool: otherTool, n, session: s, headStartMs: 50 },
    );
  },
);

Then(
  "the provider stopped reading the large answer and named its limit",
  async function (this: ConformanceWorld) {
    const last = lastCall(this);
    const big = oracle(this, "bigAnswer");
    await this.checks.judge(
      "answer-limit",
      this.checks.subject(),
      "the provider stops reading at its limit and the error names the limit",
      () => {
        const read = big.bigAnswers.filter((x) => x.completed).length;
        expect(big.bigAnswers.length > 0, "the provider never asked for the object");
        expect(
          read === 0,
          `the provider read ${read} answer(s) of 24 MiB to the end: it has no limit of at most 16 MiB`,
        );
        if (last.answer.kind === "tool-error" || last.answer.kind === "jsonrpc-error")
          expect(
            /\d+(\.\d+)?\s*(bytes|[KMG]i?B)\b/i.test(last.answer.text),
            `the error does not name the limit: ${this.secrets.scrub(last.answer.text.slice(0, 160))}`,
          );
      },
      { call: last.call },
    );
  },
);

Then("the large answer was refused within the request timeout", async function (this: ConformanceWorld) {
  const last = lastCall(this);
  const limit = (this.target.requestTimeoutMs ?? this.profile.defaultRequestTimeoutMs) + 1000;
  await this.checks.judge(
    "answer-limited-in-time",
    this.checks.subject(),
    `the call fails within the request timeout + 1 s (${limit} ms)`,
    () => {
      const took = this.features.get(SLOW)?.ms ?? Number.POSITIVE_INFINITY;
      expect(last.answer.kind !== "no-answer", `no answer: ${last.answer.text.slice(0, 160)}`);
      expect(took <= limit, `the call took ${Math.round(took)} ms (limit ${limit} ms)`);
    },
    { call: last.call },
  );
});

/** Each route: the server a call is aimed at instead of its cluster, its label, and whether it needs the oracle CA. */
const ROUTE_TO: Record<
  Route,
  { server: (w: ConformanceWorld) => string; label: (w: ConformanceWorld) => string; oracleCa?: true }
> = {
  "with the server set to the TCP canary": {
    server: (w) => `https://${oracle(w, "tcpCanary").address}`,
    label: () => "the TCP canary",
  },
  "with the server set to the plain-HTTP canary": {
    server: (w) => `http://${oracle(w, "httpCanary").address}`,
    label: () => "the plain-HTTP canary",
  },
  "through the TCP proxy": {
    server: (w) => `https://${oracle(w, "proxy").address}`,
    label: () => "a proxy on 127.0.0.3",
  },
  "against the redirecting front": {
    server: (w) => `https://${oracle(w, "front").address}`,
    label: () => "the redirecting front",
    oracleCa: true,
  },
  "through the gateway": {
    server: (w) => `https://${oracle(w, "gateway").address}${w.features.get(ORACLES)?.gatewayPrefix ?? ""}`,
    label: (w) => `the gateway${w.features.get(ORACLES)?.gatewayPrefix ?? ""}`,
    oracleCa: true,
  },
};

When(
  "{word} calls {string} {route}",
  async function (this: ConformanceWorld, who: string, tool: string, route: Route) {
    const r = ROUTE_TO[route];
    const ca = r.oracleCa
      ? { value: b64((await this.oracleCa()).certPem), label: "the oracle CA" }
      : undefined;
    await withServer(this, who, tool, r.server(this), r.label(this), ca);
  },
);

When(
  "{word} calls {string} with the server set to {string} and the canary's port",
  async function (this: ConformanceWorld, who: string, tool: string, host: string) {
    // Only hosts that dial the local machine may be sent (0.0.0.0, ::, and their mapped
    // forms): a provider that does not refuse them reaches the loopback canary, never the network.
    if (!/^(0\.0\.0\.0|\[::\]|\[::ffff:0\.0\.0\.0\]|\[::ffff:0:0\])$/.test(host))
      throw new Error(`refusing to send ${host}: only addresses that dial the local machine are allowed`);
    await withServer(
      this,
      who,
      tool,
      `https://${host}:${oracle(this, "tcpCanary").port}`,
      `${host} (canary port)`,
    );
  },
);

When(
  "{word} calls {string} against the hung server while {word} calls {string} {int} times",
  async function (
    this: ConformanceWorld,
    who: string,
    tool: string,
    other: string,
    otherTool: string,
    n: number,
  ) {
    const hung = oracle(this, "hung");
    const s = this.sessions.current ?? (await this.sessions.default());
    // Wait no longer than the Then step would accept: a provider without a
    // timeout fails in seconds instead of holding the run for minutes.
    await whileOtherTenantCalls(
      this,
      () =>
        withServer(this, who, tool, `https://${hung.address}`, "the hung server", undefined, {
          timeoutMs: slowCallLimitMs(this) + 1000,
          session: s,
        }),
      { who: other, tool: otherTool, n, session: s, headStartMs: 200 },
    );
  },
);

Then(
  "the hung call fails with {string} within the request timeout",
  async function (this: ConformanceWorld, code: string) {
    const last = lastCall(this);
    const limit = slowCallLimitMs(this);
    await this.checks.judge(
      "hung-call-ends",
      ["AH-NET-4"],
      `the call to a hung server fails within the timeout + 5 s (${limit} ms)`,
      () => {
        const a = last.answer;
        expect(a.kind !== "result", "the call to a hung server succeeded");
        expect(a.kind !== "no-answer", `no answer within ${limit + 1000} ms: ${a.text.slice(0, 160)}`);
        const took = this.features.get(SLOW)?.ms ?? Number.POSITIVE_INFINITY;
        expect(took <= limit, `the hung call took ${Math.round(took)} ms (limit ${limit} ms)`);
      },
      { call: last.call },
    );
    await judgeErrorForm(this, last, { codes: [code.replace(/^\[|\]$/g, "")] });
  },
);

Then(
  "each call of the other tenant took less than {int} ms",
  async function (this: ConformanceWorld, ms: number) {
    await this.checks.judge(
      "other-tenant-fast",
      ["AH-NET-5"],
      `every call of the other tenant took < ${ms} ms, or no more than 3× its slowest call without the slow one in flight (in one of at most two windows)`,
      async () => {
        const others = this.features.get(SLOW)?.otherMs ?? [];
        expect(others.length > 0, "no other calls were made");
        const failed = others.filter((d) => !Number.isFinite(d));
        if (failed.length) {
          const h = this.features.get(SLOW);
          if (h?.otherFailure) await untestableIfPrecondition(this, h.other, h.otherFailure, ["AH-NET-5"]);
          fail(`${failed.length} call(s) of the other tenant failed`);
        }
        const slow = this.features.get(SLOW);
        const control = slow?.control ?? [];
        const windows = slow?.windows ?? [others];
        const rule = { ...OTHER_TENANT_RULE, limitMs: ms };
        const v = judgeWindows(
          windows.map((w) => judgeNotDelayed(`${slow?.other}'s calls`, w, control, rule)),
        );
        this.attach(v.message, "text/plain");
        if (v.outcome === "untestable") throw new Untestable(v.message);
        expect(
          v.outcome === "pass",
          `${v.message}; during the slow call: ${others.map(Math.round).join(", ")}`,
        );
      },
    );
  },
);

Then("the TCP canary saw no connection", async function (this: ConformanceWorld) {
  const l = oracle(this, "tcpCanary");
  await this.checks.judge("canary-untouched", this.checks.subject(), "the canary saw no connection", () => {
    expect(l.connections() === 0, `the canary saw ${l.connections()} connection(s)`);
  });
});

Then("the plain-HTTP canary saw no request", async function (this: ConformanceWorld) {
  const l = oracle(this, "httpCanary");
  await this.checks.judge(
    "canary-untouched",
    this.checks.subject(),
    "the plain-HTTP canary saw no request",
    () => {
      expect(l.requests.length === 0, `the canary saw ${l.requests.length} request(s)`);
    },
  );
});

Then(
  "the plain-HTTP canary saw a request with {word}'s token",
  async function (this: ConformanceWorld, who: string) {
    const l = oracle(this, "httpCanary");
    const token = bearerToken(this.identities.headersOf(who)[HEADER.authorization]);
    await this.checks.judge(
      "canary-reached",
      this.checks.subject(),
      "the plain-HTTP server was contacted",
      () => {
        expect(l.requests.length > 0, "the canary saw no request");
      },
    );
    await this.checks.judge(
      "canary-authorization",
      ["AH-AUTH-1"],
      `the canary got exactly Authorization: Bearer <${who}'s token>`,
      () => {
        if (l.requests.length === 0) throw new NotApplicable("no request to judge");
        expect(
          l.requests.some((r) => r.headers.authorization === `Bearer ${token}`),
          `the canary saw ${l.requests.length} request(s), none with exactly Authorization: Bearer <token>`,
        );
      },
    );
  },
);

Then("the redirect canary saw no request with credentials", async function (this: ConformanceWorld) {
  const l = oracle(this, "redirectCanary");
  await this.checks.judge(
    "redirect-not-followed",
    this.checks.subject(),
    "the redirect target got no credentials",
    () => {
      const withAuth = l.requests.filter((r) => r.headers.authorization !== undefined);
      expect(
        withAuth.length === 0,
        `the redirect target received ${withAuth.length} request(s) with Authorization`,
      );
    },
  );
});

Then("the front was asked", async function (this: ConformanceWorld) {
  const l = oracle(this, "front");
  await this.checks.judge(
    "front-asked",
    this.checks.subject(),
    "the provider contacted the redirecting front",
    () => {
      expect(l.requests.length > 0, "the provider never contacted the redirecting front");
    },
  );
});

Then("the gateway saw every request under {string}", async function (this: ConformanceWorld, prefix: string) {
  const l = oracle(this, "gateway");
  const last = lastCall(this);
  await this.checks.judge(
    "under-prefix",
    this.checks.subject(),
    `every request went below ${prefix}`,
    async () => {
      if (l.requests.length === 0) await requireSuccess(this, last);
      expect(l.requests.length > 0, "the gateway saw no request");
      const outside = l.requests.filter((r) => !r.url.startsWith(`${prefix}/`));
      expect(outside.length === 0, `requests outside the prefix: ${outside.map((r) => r.url).join(", ")}`);
    },
  );
});
