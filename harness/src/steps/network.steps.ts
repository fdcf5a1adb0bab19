// Oracles on the network: canaries, a redirecting front, a TLS-name proxy, a hung server.
import {
  hangListener,
  httpCanary,
  httpsRecorder,
  prefixProxy,
  type SeenRequest,
  tcpCanary,
  tcpProxy,
} from "../oracles/listeners.js";
import { b64, makeServerCert } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";
import { expectError, expectSuccess } from "./assertions.steps.js";
import { callTool } from "./calls.steps.js";
import { assert, Given, Then, When } from "./dsl.js";

function keep<T extends { close(): Promise<void> }>(world: ConformanceWorld, name: string, l: T): T {
  world.listeners.push(l as never);
  world.named.set(name, l as never);
  return l;
}

function listener<T>(world: ConformanceWorld, name: string): T {
  const l = world.named.get(name);
  if (!l) throw new Error(`no ${name} in this scenario`);
  return l as T;
}

Given("a TCP canary on 127.0.0.2", async function (this: ConformanceWorld) {
  keep(this, "tcp canary", await tcpCanary("127.0.0.2"));
});

Given("a plain-HTTP canary", async function (this: ConformanceWorld) {
  keep(this, "http canary", await httpCanary("127.0.0.1"));
});

Given("a TCP proxy on 127.0.0.3 to cluster {word}", async function (this: ConformanceWorld, c: string) {
  const u = new URL(this.cluster(c).server);
  keep(this, "proxy", await tcpProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.3"));
});

Given("a hung API server", async function (this: ConformanceWorld) {
  keep(this, "hung", await hangListener("127.0.0.1"));
});

Given("an HTTPS front that answers 307 to a canary", async function (this: ConformanceWorld) {
  const ca = await this.oracleCa();
  const pem = await makeServerCert(ca, ["127.0.0.1"]);
  const canary = keep(this, "redirect canary", await httpsRecorder(pem, { status: 200 }));
  keep(this, "front", await httpsRecorder(pem, { status: 307, location: `https://${canary.address}` }));
});

async function withServer(world: ConformanceWorld, who: string, tool: string, server: string, ca?: string) {
  const h = world.headersOf(who);
  h["kubernetes-server"] = server;
  if (ca) h["kubernetes-certificate-authority-data"] = ca;
  return callTool(world, tool, { headers: h });
}

When(
  "{word} calls {string} with the server set to the TCP canary",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ address: string }>(this, "tcp canary");
    await withServer(this, who, tool, `https://${l.address}`);
  },
);

When(
  "{word} calls {string} with the server set to the plain-HTTP canary",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ address: string }>(this, "http canary");
    await withServer(this, who, tool, `http://${l.address}`);
  },
);

When(
  "{word} calls {string} through the TCP proxy",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ address: string }>(this, "proxy");
    await withServer(this, who, tool, `https://${l.address}`);
  },
);

When(
  "{word} calls {string} against the redirecting front",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ address: string }>(this, "front");
    const ca = await this.oracleCa();
    await withServer(this, who, tool, `https://${l.address}`, b64(ca.certPem));
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
    const hung = listener<{ address: string }>(this, "hung");
    const s = this.session ?? (await this.defaultSession());
    const h = this.headersOf(who);
    h["kubernetes-server"] = `https://${hung.address}`;
    // Wait no longer than the Then step would accept: a provider without a
    // timeout fails in seconds instead of holding the run for minutes.
    const limit =
      ((this.bag.get("timeoutMs") as number | undefined) ?? this.profile.defaultRequestTimeoutMs) + 5000;
    const t0 = performance.now();
    const hungCall = s
      .call(this.tool(tool), this.args(tool), { headers: h, timeoutMs: limit + 1000 })
      .then((o) => {
        this.bag.set("hungMs", performance.now() - t0);
        return o;
      })
      .catch((e: Error) => {
        throw new Error(`the hung call got no answer within ${limit + 1000} ms: ${e.message}`);
      });
    hungCall.catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    const others: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = await s.call(this.tool(otherTool), this.args(otherTool), { headers: this.headersOf(other) });
      assert(!o.isError, `call ${i + 1} of ${other} failed: ${o.text.slice(0, 200)}`);
      others.push(o.durationMs);
    }
    this.bag.set("otherMs", others);
    this.last = await hungCall;
  },
);

Then(
  "the hung call fails with {string} within the request timeout",
  function (this: ConformanceWorld, code: string) {
    expectError(this, code);
    const limit =
      ((this.bag.get("timeoutMs") as number | undefined) ?? this.profile.defaultRequestTimeoutMs) + 5000;
    const took = this.bag.get("hungMs") as number;
    assert(took <= limit, `the hung call took ${Math.round(took)} ms (limit ${limit} ms)`);
  },
);

Then("each call of the other tenant took less than {int} ms", function (this: ConformanceWorld, ms: number) {
  const others = (this.bag.get("otherMs") as number[] | undefined) ?? [];
  assert(others.length > 0, "no other calls were made");
  const slow = others.filter((d) => d >= ms);
  assert(slow.length === 0, `${slow.length} call(s) took ≥ ${ms} ms: ${others.map(Math.round).join(", ")}`);
});

Then("the TCP canary saw no connection", function (this: ConformanceWorld) {
  const l = listener<{ connections(): number }>(this, "tcp canary");
  assert(l.connections() === 0, `the canary saw ${l.connections()} connection(s)`);
});

Then("the plain-HTTP canary saw no request", function (this: ConformanceWorld) {
  const l = listener<{ requests: SeenRequest[] }>(this, "http canary");
  assert(l.requests.length === 0, `the canary saw ${l.requests.length} request(s)`);
});

Then(
  "the plain-HTTP canary saw a request with {word}'s token",
  function (this: ConformanceWorld, who: string) {
    const l = listener<{ requests: SeenRequest[] }>(this, "http canary");
    const token = (this.headersOf(who)["kubernetes-authorization"] ?? "").replace(/^bearer\s+/i, "");
    assert(
      l.requests.some((r) => r.headers.authorization === `Bearer ${token}`),
      `the canary saw ${l.requests.length} request(s), none with Authorization: Bearer <token>`,
    );
  },
);

Then("the redirect canary saw no request with credentials", function (this: ConformanceWorld) {
  const l = listener<{ requests: SeenRequest[] }>(this, "redirect canary");
  const withAuth = l.requests.filter((r) => r.headers.authorization !== undefined);
  assert(
    withAuth.length === 0,
    `the redirect target received ${withAuth.length} request(s) with Authorization`,
  );
});

Then("the front was asked", function (this: ConformanceWorld) {
  const l = listener<{ requests: SeenRequest[] }>(this, "front");
  assert(l.requests.length > 0, "the provider never contacted the redirecting front");
});

Then("the result succeeded", function (this: ConformanceWorld) {
  expectSuccess(this);
});

Given("a TCP canary on 127.0.0.1", async function (this: ConformanceWorld) {
  keep(this, "tcp canary", await tcpCanary("127.0.0.1"));
});

When(
  "{word} calls {string} with the server set to the unspecified address and the canary's port",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ port: number }>(this, "tcp canary");
    await withServer(this, who, tool, `https://0.0.0.0:${l.port}`);
  },
);

Given(
  "an HTTPS gateway serving cluster {word} under the path {string}",
  async function (this: ConformanceWorld, c: string, prefix: string) {
    const ca = await this.oracleCa();
    const pem = await makeServerCert(ca, ["127.0.0.1"]);
    const cluster = this.cluster(c);
    keep(this, "gateway", await prefixProxy(pem, cluster.server, cluster.info.caPem, prefix));
    this.bag.set("gatewayPrefix", prefix);
  },
);

When(
  "{word} calls {string} through the gateway",
  async function (this: ConformanceWorld, who: string, tool: string) {
    const l = listener<{ address: string }>(this, "gateway");
    const ca = await this.oracleCa();
    await withServer(
      this,
      who,
      tool,
      `https://${l.address}${this.bag.get("gatewayPrefix")}`,
      b64(ca.certPem),
    );
  },
);

Then("the gateway saw every request under {string}", function (this: ConformanceWorld, prefix: string) {
  const l = listener<{ requests: SeenRequest[] }>(this, "gateway");
  assert(l.requests.length > 0, "the gateway saw no request");
  const outside = l.requests.filter((r) => !r.url.startsWith(`${prefix}/`));
  assert(outside.length === 0, `requests outside the prefix: ${outside.map((r) => r.url).join(", ")}`);
});
