import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import type { ConformanceWorld } from "../world/world.js";
import { assert, Given, Then, When } from "./dsl.js";

type Minter =
  | "mintTokenIdentity"
  | "mintCertIdentity"
  | "forgeExpiredToken"
  | "forgeExpiredCert"
  | "forgeForeignCaCert"
  | "revokedToken";

async function mint(world: ConformanceWorld, name: string, cluster: string, how: Minter) {
  const identity = await world.cluster(cluster)[how]();
  world.registerIdentity(name, cluster, identity);
}

Given(
  "a token identity {word} on cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "mintTokenIdentity");
  },
);
Given(
  "a client-certificate identity {word} on cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "mintCertIdentity");
  },
);
Given(
  "an expired token identity {word} on cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "forgeExpiredToken");
  },
);
Given(
  "an expired client-certificate identity {word} on cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "forgeExpiredCert");
  },
);
Given(
  "a client-certificate identity {word} signed by a foreign CA for cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "forgeForeignCaCert");
  },
);
Given(
  "a revoked token identity {word} on cluster {word}",
  async function (this: ConformanceWorld, n: string, c: string) {
    await mint(this, n, c, "revokedToken");
  },
);

Given("an MCP session", async function (this: ConformanceWorld) {
  await this.defaultSession();
});

Given("a stdio session", async function (this: ConformanceWorld) {
  this.session = await this.stdioSession();
  this.bag.set("stdio", true);
});

Given("the target is started stateless", async function (this: ConformanceWorld) {
  await this.startOwnTarget({ stateless: true }, "stateless");
});

Given("a fresh target started by the harness", async function (this: ConformanceWorld) {
  await this.startOwnTarget({});
});

Given(
  "the target is started with an allowlist of only cluster {word}",
  async function (this: ConformanceWorld, c: string) {
    await this.startOwnTarget({ allowlist: [new URL(this.cluster(c).server).host] }, "allowlist");
  },
);

Given("the target is started with the insecure-TLS opt-in", async function (this: ConformanceWorld) {
  await this.startOwnTarget({ insecureOptIn: true }, "insecure-opt-in");
});

Given("the target is started with the plain-HTTP opt-in", async function (this: ConformanceWorld) {
  await this.startOwnTarget({ plainHttpOptIn: true }, "plain-http-opt-in");
});

Given(
  "the target is started with a request timeout of {int} ms",
  async function (this: ConformanceWorld, ms: number) {
    if (this.profile.flags.requestTimeout) {
      await this.startOwnTarget({ requestTimeoutMs: ms });
      this.bag.set("timeoutMs", ms);
    } else {
      this.bag.set("timeoutMs", this.profile.defaultRequestTimeoutMs);
    }
  },
);

Given(
  "the target is started with the admin kubeconfig of cluster {word} as ambient credentials",
  async function (this: ConformanceWorld, c: string) {
    const dir = this.tempDir();
    const kubeconfig = this.cluster(c).adminKubeconfigYaml();
    const path = this.writeSecretFile(dir, "kubeconfig", kubeconfig);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, ".kube"), { mode: 0o700 });
    this.writeSecretFile(join(dir, ".kube"), "config", kubeconfig);
    await this.startOwnTarget({ env: { KUBECONFIG: path, HOME: dir } });
  },
);

When(
  "initialize, ping and tools\\/list are sent without cluster headers",
  async function (this: ConformanceWorld) {
    const s = await this.connect();
    await s.ping();
    this.bag.set("tools", await s.listTools());
  },
);

When(
  "initialize, ping and tools\\/list are sent with the headers of {word}",
  async function (this: ConformanceWorld, n: string) {
    const h = this.headersOf(n);
    const s = await this.connect(h);
    await s.ping(h);
    this.bag.set("tools", await s.listTools(h));
    this.session = s;
  },
);

Then("the tools list contains every required tool", function (this: ConformanceWorld) {
  const tools = this.bag.get("tools") as string[] | undefined;
  assert(tools, "tools/list was not called");
  const missing = REQUIRED_TOOLS.map((t) => this.tool(t)).filter((t) => !tools.includes(t));
  assert(missing.length === 0, `tools/list lacks ${missing.join(", ")} (has ${tools.join(", ")})`);
});

Then("they succeed", function (this: ConformanceWorld) {
  assert(this.bag.has("tools"), "lifecycle requests did not complete");
});

Then("no minted credential appears in the target's output", function (this: ConformanceWorld) {
  const out = this.targetOutput();
  if (out === undefined) this.skip("the harness did not start the target, so its output cannot be read");
  const leaks = this.secrets.leaks(out);
  assert(leaks.length === 0, `the target's output contains ${leaks.length} minted credential value(s)`);
});

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

Then(
  "the target's output has a line naming {string} and the host of cluster {word}",
  async function (this: ConformanceWorld, tool: string, c: string) {
    const host = new URL(this.cluster(c).server).host;
    const name = this.tool(tool);
    const deadline = Date.now() + 3000;
    for (;;) {
      const out = this.targetOutput();
      if (out === undefined) this.skip("the harness did not start the target, so its output cannot be read");
      const line = out.split("\n").find((l) => l.includes(name) && l.includes(host));
      if (line) return;
      assert(Date.now() < deadline, `no line of the target's output names both ${name} and ${host}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  },
);
