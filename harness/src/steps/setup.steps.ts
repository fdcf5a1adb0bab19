import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { type Answer, errorAnswer } from "../checks/answer.js";
import { judgeNoSecretInOutput } from "../checks/judgements.js";
import { expect, fail, Untestable } from "../checks/recorder.js";
import { McpSession } from "../mcp/client.js";
import type { ConformanceWorld } from "../world/world.js";
import { Given, Then, When } from "./dsl.js";
import { MINTED } from "./parameter-types.js";
import { LIFECYCLE } from "./state.js";

// "a token identity alice on cluster A", "an expired client-certificate identity …": one step, the kind a parameter.
Given(
  "{minted} identity {word} on cluster {word}",
  async function (this: ConformanceWorld, how: keyof typeof MINTED, n: string, c: string) {
    await this.identities.mint(n, c, MINTED[how]);
  },
);
Given(
  "a client-certificate identity {word} signed by a foreign CA for cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await this.identities.mint(n, c, "forgeForeignCaCert");
  },
);

Given("an MCP session", async function (this: ConformanceWorld) {
  await this.sessions.default();
});

Given("a stdio session", async function (this: ConformanceWorld) {
  this.sessions.current = await this.sessions.stdio();
  this.sessions.overStdio = true;
});

Given("the target is started stateless", async function (this: ConformanceWorld) {
  await this.target.startOwn({ stateless: true }, "stateless");
});

Given("a fresh target started by the harness", async function (this: ConformanceWorld) {
  await this.target.startOwn({});
});

Given(
  "the target is started with an allowlist of only cluster {word}",
  async function (this: ConformanceWorld, c: string) {
    await this.target.startOwn({ allowlist: [new URL(this.net.serverOf(c)).host] }, "allowlist");
  },
);

Given("the target is started with the insecure-TLS opt-in", async function (this: ConformanceWorld) {
  await this.target.startOwn({ insecureOptIn: true }, "insecure-opt-in");
});

Given("the target is started with the plain-HTTP opt-in", async function (this: ConformanceWorld) {
  await this.target.startOwn({ plainHttpOptIn: true }, "plain-http-opt-in");
});

Given(
  "the target is started with a request timeout of {int} ms",
  async function (this: ConformanceWorld, ms: number) {
    if (this.profile.flags.requestTimeout) {
      await this.target.startOwn({ requestTimeoutMs: ms });
      this.target.requestTimeoutMs = ms;
    } else {
      this.target.requestTimeoutMs = this.profile.defaultRequestTimeoutMs;
    }
  },
);

Given(
  "the target is started with the admin kubeconfig of cluster {word} as ambient credentials",
  async function (this: ConformanceWorld, c: string) {
    const dir = this.tempDir();
    const kubeconfig = this.clusters.get(c).adminKubeconfigYaml();
    const path = this.writeSecretFile(dir, "kubeconfig", kubeconfig);
    mkdirSync(join(dir, ".kube"), { mode: 0o700 });
    this.writeSecretFile(join(dir, ".kube"), "config", kubeconfig);
    await this.target.startOwn({ env: { KUBECONFIG: path, HOME: dir } });
  },
);

/** initialize, ping and tools/list, sent without workaround: this is the scenario about initialize itself. */
async function lifecycle(world: ConformanceWorld, who?: string) {
  const h = who ? world.identities.headersOf(who) : undefined;
  const label = who ? world.identities.labelOf(who) : { source: "none" as const };
  const url = await world.target.url();
  const answers = world.features.set(LIFECYCLE, { with: who, answers: {} });
  let t0 = performance.now();
  let session: McpSession | undefined;
  try {
    session = await McpSession.http(url, { initHeaders: h });
    answers.answers.initialize = { kind: "result", text: "initialized", durationMs: performance.now() - t0 };
  } catch (e) {
    answers.answers.initialize = errorAnswer(e, performance.now() - t0);
    return;
  }
  world.sessions.adopt(session);
  world.sessions.current = session;
  const sessionLabel = world.sessions.label(session);
  world.timeline.addLifecycle("initialize", sessionLabel, answers.answers.initialize, label);
  for (const method of ["ping", "tools/list"] as const) {
    t0 = performance.now();
    try {
      if (method === "ping") await session.ping(h);
      else answers.tools = await session.listTools(h);
      answers.answers[method] = { kind: "result", text: "ok", durationMs: performance.now() - t0 };
    } catch (e) {
      answers.answers[method] = errorAnswer(e, performance.now() - t0);
    }
    world.timeline.addLifecycle(method, sessionLabel, answers.answers[method] as Answer, label);
  }
}

When(
  "initialize, ping and tools\\/list are sent without cluster headers",
  async function (this: ConformanceWorld) {
    await lifecycle(this);
  },
);

When(
  "initialize, ping and tools\\/list are sent with the headers of {word}",
  async function (this: ConformanceWorld, n: string) {
    await lifecycle(this, n);
  },
);

/** AH-LIFE-1 without cluster headers; with them, AH-LIFE-2 (they are ignored, so nothing changes). */
Then("each of them succeeds", async function (this: ConformanceWorld) {
  const l = this.features.get(LIFECYCLE);
  if (!l) throw new Error("no lifecycle requests were sent");
  const reqs = l.with ? ["AH-LIFE-2"] : ["AH-LIFE-1"];
  const with_ = l.with ? `with the cluster headers of ${l.with}` : "without cluster headers";
  for (const method of ["initialize", "ping", "tools/list"] as const) {
    await this.checks.judge(method.replace("/", "-"), reqs, `${method} succeeds ${with_}`, () => {
      const a = l.answers[method];
      if (!a) throw new Untestable(`${method} was not sent: initialize failed`);
      if (a.kind !== "result") fail(`${method} ${with_} failed: ${this.secrets.scrub(a.text).slice(0, 200)}`);
    });
  }
});

Then("the tools list contains every required tool", async function (this: ConformanceWorld) {
  await this.checks.judge("required-tools", ["AH-LIFE-3"], "tools/list names every required tool", () => {
    const tools = this.features.get(LIFECYCLE)?.tools;
    if (!tools) throw new Untestable("tools/list did not answer");
    const missing = REQUIRED_TOOLS.map((t) => this.tools.name(t)).filter((t) => !tools.includes(t));
    expect(missing.length === 0, `tools/list lacks ${missing.join(", ")} (has ${tools.join(", ")})`);
  });
});

Then("no minted credential appears in the target's output", async function (this: ConformanceWorld) {
  await judgeNoSecretInOutput(this);
});

Then(
  "the target's output has a line naming {string} and the host of cluster {word}",
  async function (this: ConformanceWorld, tool: string, c: string) {
    const host = new URL(this.net.serverOf(c)).host;
    const name = this.tools.name(tool);
    await this.checks.judge(
      "call-log-line",
      this.checks.subject(),
      `a log line names ${name} and ${host}`,
      async () => {
        // The line may be written just after the answer: wait for it, boundedly.
        const deadline = Date.now() + 3000;
        for (;;) {
          const out = await this.target.output();
          if (out === undefined)
            throw new Untestable("the harness did not start the target, so its output cannot be read");
          if (out.split("\n").some((l) => l.includes(name) && l.includes(host))) return;
          expect(Date.now() < deadline, `no line of the target's output names both ${name} and ${host}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    );
  },
);
