import type { Headers } from "../mcp/client.js";
import { RawSession, rawOutcome } from "../mcp/raw.js";
import type { ConformanceWorld } from "../world/world.js";
import { type DataTable, Given, Then, When } from "./dsl.js";
import { largeBundle, resolveValue } from "./values.js";

export async function callTool(
  world: ConformanceWorld,
  spec: string,
  opts: { headers?: Headers; meta?: Record<string, unknown>; args?: Record<string, unknown> } = {},
) {
  const s = world.session ?? (await world.defaultSession());
  try {
    world.last = await s.call(world.tool(spec), opts.args ?? world.args(spec), opts);
    world.lastError = undefined;
  } catch (e) {
    world.last = undefined;
    world.lastError = e as Error;
  }
  return world.last;
}

/** Identity headers (stdio sessions carry them in _meta instead). */
function asCall(world: ConformanceWorld, headers: Headers) {
  return world.bag.get("stdio") ? { meta: headers } : { headers };
}

When("{word} calls {string}", async function (this: ConformanceWorld, who: string, tool: string) {
  await callTool(this, tool, asCall(this, this.headersOf(who)));
});

When(
  "{word} calls {string} without the header {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string) {
    const h = this.headersOf(who);
    delete h[header];
    await callTool(this, tool, asCall(this, h));
  },
);

When(
  "{word} calls {string} with the header {string} set to {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, value: string) {
    const h = this.headersOf(who);
    h[header] = await resolveValue(this, value);
    await callTool(this, tool, asCall(this, h));
  },
);

When(
  "{word} calls {string} with these header changes:",
  async function (this: ConformanceWorld, who: string, tool: string, table: DataTable) {
    const h = this.headersOf(who);
    for (const [name, value] of table.raw()) {
      if (!name) continue;
      if (value === "(absent)") delete h[name];
      else h[name] = await resolveValue(this, value ?? "");
    }
    await callTool(this, tool, asCall(this, h));
  },
);

When("{string} is called without cluster headers", async function (this: ConformanceWorld, tool: string) {
  await callTool(this, tool, {});
});

When(
  "{word} reads the ConfigMap {string} in namespace {string}",
  async function (this: ConformanceWorld, who: string, name: string, ns: string) {
    await callTool(this, "resources_get", {
      ...asCall(this, this.headersOf(who)),
      args: { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name },
    });
  },
);

When("{word} reads the cluster identity", async function (this: ConformanceWorld, who: string) {
  await callTool(this, "resources_get", asCall(this, this.headersOf(who)));
});

When(
  "{word} calls {string} with a CA bundle of about {int} KiB",
  async function (this: ConformanceWorld, who: string, tool: string, kib: number) {
    const h = this.headersOf(who);
    h["kubernetes-certificate-authority-data"] = await largeBundle(this, this.identityCluster(who), kib);
    await callTool(this, tool, { headers: h });
  },
);

// ---- _meta ----

When(
  "{word} calls {string} with its credentials only in _meta",
  async function (this: ConformanceWorld, who: string, tool: string) {
    await callTool(this, tool, { meta: this.headersOf(who) });
  },
);

When(
  "{word} calls {string} with its credentials in _meta and the headers of {word}",
  async function (this: ConformanceWorld, who: string, tool: string, other: string) {
    await callTool(this, tool, { meta: this.headersOf(who), headers: this.headersOf(other) });
  },
);

When(
  "{word} reads the cluster identity with its credentials in _meta and the headers of {word}",
  async function (this: ConformanceWorld, who: string, other: string) {
    await callTool(this, "resources_get", { meta: this.headersOf(who), headers: this.headersOf(other) });
  },
);

When(
  "{word} calls {string} with _meta lacking {string} while the headers of {word} are sent",
  async function (this: ConformanceWorld, who: string, tool: string, key: string, other: string) {
    const meta = this.headersOf(who);
    delete meta[key];
    await callTool(this, tool, { meta, headers: this.headersOf(other) });
  },
);

When(
  "{word} calls {string} with the _meta key {string} set to the JSON value {string}",
  async function (this: ConformanceWorld, who: string, tool: string, key: string, json: string) {
    const meta: Record<string, unknown> = this.headersOf(who);
    meta[key] = JSON.parse(json);
    await callTool(this, tool, { meta, headers: this.headersOf(who) });
  },
);

// ---- raw HTTP (repeated lines, comma-joined, oversize) ----

async function rawSession(world: ConformanceWorld): Promise<RawSession> {
  let s = world.bag.get("raw") as RawSession | undefined;
  if (!s) {
    s = await RawSession.open(world.targetUrl());
    world.bag.set("raw", s);
  }
  return s;
}

async function rawCall(world: ConformanceWorld, tool: string, headers: [string, string][]) {
  const s = await rawSession(world);
  world.bag.delete("rawResponse");
  try {
    const { response, message } = await s.call(world.tool(tool), world.args(tool), headers);
    world.bag.set("rawResponse", response);
    const o = rawOutcome(message);
    world.last = o
      ? {
          // biome-ignore lint/suspicious/noExplicitAny: synthetic result for assertions
          result: (message?.result ?? {}) as any,
          text: o.text,
          isError: o.isError,
          code: o.code,
          durationMs: 0,
        }
      : undefined;
    world.lastError = o ? undefined : new Error(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  } catch (e) {
    world.last = undefined;
    world.lastError = e as Error;
  }
}

When(
  "{word} calls {string} with the header {string} sent twice",
  async function (this: ConformanceWorld, who: string, tool: string, header: string) {
    const h = this.headersOf(who);
    const pairs: [string, string][] = Object.entries(h);
    const v = h[header];
    if (v === undefined) throw new Error(`${who} has no ${header}`);
    pairs.push([header, v]);
    await rawCall(this, tool, pairs);
  },
);

When(
  "{word} calls {string} with the header {string} sent twice, the second time as {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, second: string) {
    const pairs: [string, string][] = Object.entries(this.headersOf(who));
    pairs.push([header, await resolveValue(this, second)]);
    await rawCall(this, tool, pairs);
  },
);

When(
  "{word} calls {string} with the header {string} comma-joined with {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, extra: string) {
    const h = this.headersOf(who);
    h[header] = `${h[header] ?? ""}, ${await resolveValue(this, extra)}`;
    await rawCall(this, tool, Object.entries(h));
  },
);

When(
  "{word} calls {string} with {int} KiB of request headers",
  async function (this: ConformanceWorld, who: string, tool: string, kib: number) {
    const h = this.headersOf(who);
    h["kubernetes-certificate-authority-data"] = await largeBundle(this, this.identityCluster(who), kib);
    await rawCall(this, tool, Object.entries(h));
  },
);

Given("{word}'s headers were sent with initialize", async function (this: ConformanceWorld, who: string) {
  this.session = await this.connect(this.headersOf(who));
});

Then("the oversize request was refused cleanly", function (this: ConformanceWorld) {
  const r = this.bag.get("rawResponse") as { status: number; body: string } | undefined;
  if (this.last) {
    if (!this.last.isError) throw new Error("an oversize request was served as if nothing were wrong");
    return;
  }
  if (r && r.status >= 400 && r.status < 500) return;
  // The server may answer 431 and close while the client is still writing:
  // the client then sees a reset. That is still a refusal; serving continues is checked next.
  const msg = this.lastError?.message ?? "";
  if (/ECONNRESET|EPIPE|socket hang up/i.test(msg)) return;
  throw new Error(`expected HTTP 431 (or 4xx) or an MCP error, got ${r ? `HTTP ${r.status}` : msg}`);
});

When(
  "{word} calls {string} with arguments for a pod that does not exist",
  async function (this: ConformanceWorld, who: string, tool: string) {
    await callTool(this, tool, {
      ...asCall(this, this.headersOf(who)),
      args: { namespace: "conformance", name: "no-such-pod-4f1c" },
    });
  },
);

When(
  "{word} calls the tool {string} with the arguments {string}",
  async function (this: ConformanceWorld, who: string, tool: string, json: string) {
    // Deliberately bypasses the profile's tool-name mapping and argument defaults.
    const s = this.session ?? (await this.defaultSession());
    try {
      this.last = await s.call(
        tool,
        JSON.parse(json) as Record<string, unknown>,
        asCall(this, this.headersOf(who)),
      );
      this.lastError = undefined;
    } catch (e) {
      this.last = undefined;
      this.lastError = e as Error;
    }
  },
);

Then("the call is refused with a JSON-RPC error, not a tool result", function (this: ConformanceWorld) {
  if (this.last) {
    throw new Error(`expected a JSON-RPC error, got a tool result: ${this.last.text.slice(0, 200)}`);
  }
  if (!this.lastError || !/MCP error -?\d+/.test(this.lastError.message)) {
    throw new Error(`expected a JSON-RPC error, got: ${this.lastError?.message ?? "nothing"}`);
  }
});
