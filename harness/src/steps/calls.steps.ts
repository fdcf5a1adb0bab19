// Steps that send tools/call requests. Each names the tuple it sends for the
// timeline (identity, source, and the deliberate changes, by placeholder,
// never by value).
import { CREDENTIAL_HEADERS, HEADER } from "../../../reference-server/src/wire/constants.js";
import { answeredByApiServer } from "../checks/answer.js";
import { judgeRefusal, judgeRefusedUnserved, lastCall } from "../checks/judgements.js";
import { fail } from "../checks/recorder.js";
import type { Headers } from "../mcp/client.js";
import type { TupleLabel } from "../report/model.js";
import type { ConformanceWorld } from "../world/world.js";
import { type DataTable, Given, Then, When } from "./dsl.js";
import { largeBundle, resolveValue } from "./values.js";

/** Identity headers as this scenario sends them: in `_meta` over stdio, else as HTTP headers. */
function asCall(world: ConformanceWorld, headers: Headers) {
  return world.sessions.overStdio ? { meta: headers } : { headers };
}

export async function callAs(
  world: ConformanceWorld,
  who: string,
  tool: string,
  headers: Headers,
  changes: string[] = [],
  args?: Record<string, unknown>,
) {
  return world.calls.call(tool, {
    ...asCall(world, headers),
    args,
    label: world.identities.labelOf(who, changes),
  });
}

When("{word} calls {string}", async function (this: ConformanceWorld, who: string, tool: string) {
  await callAs(this, who, tool, this.identities.headersOf(who));
});

When(
  "{word} calls {string} without the header {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string) {
    const h = this.identities.headersOf(who);
    delete h[header];
    await callAs(this, who, tool, h, [`without ${header}`]);
  },
);

When(
  "{word} calls {string} with the header {string} set to {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, value: string) {
    const h = this.identities.headersOf(who);
    h[header] = await resolveValue(this, value);
    await callAs(this, who, tool, h, [`${header} = ${value === "" ? '""' : value}`]);
  },
);

When(
  "{word} calls {string} with these header changes:",
  async function (this: ConformanceWorld, who: string, tool: string, table: DataTable) {
    const h = this.identities.headersOf(who);
    const changes: string[] = [];
    for (const [name, value] of table.raw()) {
      if (!name) continue;
      if (value === "(absent)") {
        delete h[name];
        changes.push(`without ${name}`);
      } else {
        h[name] = await resolveValue(this, value ?? "");
        changes.push(`${name} = ${value}`);
      }
    }
    await callAs(this, who, tool, h, changes);
  },
);

When("{string} is called without cluster headers", async function (this: ConformanceWorld, tool: string) {
  await this.calls.call(tool, { label: { source: "none" } });
});

When(
  "{word} reads the ConfigMap {string} in namespace {string}",
  async function (this: ConformanceWorld, who: string, name: string, ns: string) {
    await callAs(this, who, "resources_get", this.identities.headersOf(who), [], {
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: await resolveValue(this, ns),
      name,
    });
  },
);

When("{word} reads the cluster identity", async function (this: ConformanceWorld, who: string) {
  await callAs(this, who, "resources_get", this.identities.headersOf(who));
});

When(
  "{word} calls {string} with a CA bundle of about {int} KiB",
  async function (this: ConformanceWorld, who: string, tool: string, kib: number) {
    const h = this.identities.headersOf(who);
    h[HEADER.certificateAuthorityData] = await largeBundle(this, this.identities.clusterOf(who), kib);
    await this.calls.call(tool, {
      headers: h,
      label: this.identities.labelOf(who, [`a CA bundle of ${kib} KiB, own CA last`]),
    });
  },
);

// ---- _meta ----

When(
  "{word} calls {string} with its credentials only in _meta",
  async function (this: ConformanceWorld, who: string, tool: string) {
    await this.calls.call(tool, {
      meta: this.identities.headersOf(who),
      label: this.identities.labelOf(who, [], "meta"),
    });
  },
);

function metaOver(world: ConformanceWorld, who: string, other: string, changes: string[] = []): TupleLabel {
  return { ...world.identities.labelOf(who, changes, "both"), headersIdentity: other };
}

When(
  "{word} reads the cluster identity with its credentials in _meta and the headers of {word}",
  async function (this: ConformanceWorld, who: string, other: string) {
    await this.calls.call("resources_get", {
      meta: this.identities.headersOf(who),
      headers: this.identities.headersOf(other),
      label: metaOver(this, who, other),
    });
  },
);

When(
  "{word} calls {string} with _meta lacking {string} while the headers of {word} are sent",
  async function (this: ConformanceWorld, who: string, tool: string, key: string, other: string) {
    const meta = this.identities.headersOf(who);
    delete meta[key];
    await this.calls.call(tool, {
      meta,
      headers: this.identities.headersOf(other),
      label: metaOver(this, who, other, [`without ${key}`]),
    });
  },
);

When(
  "{word} calls {string} with the _meta key {string} set to the JSON value {string}",
  async function (this: ConformanceWorld, who: string, tool: string, key: string, json: string) {
    const meta: Record<string, unknown> = this.identities.headersOf(who);
    meta[key] = JSON.parse(json);
    await this.calls.call(tool, {
      meta,
      headers: this.identities.headersOf(who),
      label: metaOver(this, who, who, [`${key} = JSON ${json}`]),
    });
  },
);

When(
  "{word} calls {string} with the _meta key {string} also sent as {string} with the value {string}",
  async function (
    this: ConformanceWorld,
    who: string,
    tool: string,
    key: string,
    twin: string,
    value: string,
  ) {
    const meta: Record<string, unknown> = this.identities.headersOf(who);
    meta[twin] = await resolveValue(this, value);
    await this.calls.call(tool, {
      meta,
      headers: this.identities.headersOf(who),
      label: metaOver(this, who, who, [`${key} also as ${twin} = ${value}`]),
    });
  },
);

// ---- raw HTTP (repeated lines, comma-joined, oversize) ----

When(
  "{word} calls {string} with the header {string} sent twice",
  async function (this: ConformanceWorld, who: string, tool: string, header: string) {
    const h = this.identities.headersOf(who);
    const pairs: [string, string][] = Object.entries(h);
    const v = h[header];
    if (v === undefined) throw new Error(`${who} has no ${header}`);
    pairs.push([header, v]);
    await this.calls.raw(tool, pairs, this.identities.labelOf(who, [`${header} sent twice`]));
  },
);

When(
  "{word} calls {string} with the header {string} sent twice, the second time as {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, second: string) {
    const pairs: [string, string][] = Object.entries(this.identities.headersOf(who));
    pairs.push([header, await resolveValue(this, second)]);
    await this.calls.raw(tool, pairs, this.identities.labelOf(who, [`${header} sent again as ${second}`]));
  },
);

When(
  "{word} calls {string} with the header {string} comma-joined with {string}",
  async function (this: ConformanceWorld, who: string, tool: string, header: string, extra: string) {
    const h = this.identities.headersOf(who);
    h[header] = `${h[header] ?? ""}, ${await resolveValue(this, extra)}`;
    await this.calls.raw(
      tool,
      Object.entries(h),
      this.identities.labelOf(who, [`${header} comma-joined with ${extra}`]),
    );
  },
);

When(
  "{word} calls {string} with {int} KiB of request headers",
  async function (this: ConformanceWorld, who: string, tool: string, kib: number) {
    const h = this.identities.headersOf(who);
    h[HEADER.certificateAuthorityData] = await largeBundle(this, this.identities.clusterOf(who), kib);
    await this.calls.raw(tool, Object.entries(h), this.identities.labelOf(who, [`${kib} KiB of headers`]));
  },
);

Given("{word}'s headers were sent with initialize", async function (this: ConformanceWorld, who: string) {
  this.sessions.current = await this.sessions.connect(
    this.identities.headersOf(who),
    this.identities.labelOf(who),
  );
});

Then("its headers were read, not refused as too large", async function (this: ConformanceWorld) {
  const last = lastCall(this);
  const a = last.answer;
  await this.checks.judge(
    "headers-read",
    this.checks.subject(),
    "the request's headers are read (an MCP answer of any kind, not HTTP 431, 413 or a reset)",
    () => {
      if (a.kind === "http-error" && [400, 413, 431].includes(a.status ?? 0))
        fail(`the headers were refused at the HTTP level: HTTP ${a.status}`);
      if (a.kind === "no-answer" && /ECONNRESET|EPIPE|socket hang up/i.test(a.text))
        fail(`the connection was reset while the headers were sent: ${a.text.slice(0, 120)}`);
      if (a.kind === "no-answer") fail(`no answer came back: ${a.text.slice(0, 120)}`);
    },
    { call: last.call },
  );
});

Then("the oversize request was refused cleanly", async function (this: ConformanceWorld) {
  await judgeRefusedUnserved(
    this,
    "refused-cleanly",
    "refused with HTTP 431 (or another 4xx) or an MCP error",
  );
});

When(
  "{word} calls {string} with arguments for a pod that does not exist",
  async function (this: ConformanceWorld, who: string, tool: string) {
    await callAs(this, who, tool, this.identities.headersOf(who), [], {
      namespace: this.tools.args("pods_get", this.identities.clusterOf(who)).namespace,
      name: "no-such-pod-4f1c",
    });
  },
);

When(
  "{word} calls the tool {string} with the arguments {string}",
  async function (this: ConformanceWorld, who: string, tool: string, json: string) {
    // Deliberately bypasses the profile's tool-name mapping and argument defaults.
    await this.calls.call(tool, {
      ...asCall(this, this.identities.headersOf(who)),
      args: JSON.parse(json) as Record<string, unknown>,
      label: this.identities.labelOf(who, [`tool ${tool} with ${json}`]),
      rawToolName: true,
    });
  },
);

Then("the call is refused with a JSON-RPC error, not a tool result", async function (this: ConformanceWorld) {
  const last = lastCall(this);
  const a = last.answer;
  await this.checks.judge(
    "jsonrpc-error",
    this.checks.subject(),
    "a JSON-RPC error, not a tool result",
    () => {
      if (a.kind === "jsonrpc-error") return;
      fail(
        a.kind === "result" || a.kind === "tool-error"
          ? `a tool result: ${this.secrets.scrub(a.text.slice(0, 200))}`
          : `no JSON-RPC error: ${a.text.slice(0, 200)}`,
      );
    },
    { call: last.call },
  );
});

// ---- refusals ----

Then("the call fails with {string}", async function (this: ConformanceWorld, code: string) {
  await judgeRefusal(this, { codes: [code.replace(/^\[|\]$/g, "")] });
});

Then(
  "the call fails with {string} naming {string}",
  async function (this: ConformanceWorld, code: string, name: string) {
    await judgeRefusal(this, { codes: [code.replace(/^\[|\]$/g, "")], names: name });
  },
);

Then("the call fails with one of {string}", async function (this: ConformanceWorld, codes: string) {
  await judgeRefusal(this, {
    codes: codes
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((c) => c.replace(/^\[|\]$/g, "")),
  });
});

/**
 * The last call succeeded where it should have failed: does the same call
 * succeed for a fresh identity too (nothing was reused: the server is simply
 * not verified, AH-TLS-1), or only for the identity that called before?
 */
Then(
  "the call fails with {string} unless a fresh identity's identical call succeeds too",
  async function (this: ConformanceWorld, code: string) {
    const last = lastCall(this);
    await judgeRefusal(this, {
      codes: [code.replace(/^\[|\]$/g, "")],
      control: async () => {
        const who = last.label.identity;
        if (!who || !last.sent?.headers) return undefined;
        const cluster = this.identities.clusterOf(who);
        const fresh = `${who}-fresh`;
        const id = this.identities.register(
          fresh,
          cluster,
          await this.clusters.get(cluster).mintTokenIdentity(),
        );
        const h = { ...last.sent.headers };
        for (const k of CREDENTIAL_HEADERS) delete h[k];
        // a fresh identity at a fresh address: no client or connection of the provider can apply
        Object.assign(h, {
          [HEADER.authorization]: id.headers[HEADER.authorization] ?? "",
          [HEADER.server]: await this.net.fresh(cluster),
        });
        const c = await this.calls.call(last.sent.spec, {
          headers: h,
          args: last.sent.args,
          label: { ...last.label, identity: fresh },
          session: await this.sessions.connect(),
          control: true,
        });
        return answeredByApiServer(c.answer)
          ? {
              requirement: "AH-TLS-1",
              reason: `the same call by a fresh identity goes past TLS too: the server is not verified at all (AH-TLS-1)`,
            }
          : undefined;
      },
    });
  },
);

Then(
  "the call fails with {string} unless the same call without the header {string} succeeds too",
  async function (this: ConformanceWorld, code: string, header: string) {
    const last = lastCall(this);
    await judgeRefusal(this, {
      codes: [code.replace(/^\[|\]$/g, "")],
      control: async () => {
        if (!last.sent?.headers) return undefined;
        const h = { ...last.sent.headers };
        delete h[header];
        const c = await this.calls.call(last.sent.spec, {
          headers: h,
          args: last.sent.args,
          label: {
            ...last.label,
            changes: [
              ...(last.label.changes ?? []).filter((x) => !x.startsWith(header)),
              `without ${header}`,
            ],
          },
          control: true,
        });
        return answeredByApiServer(c.answer)
          ? {
              requirement: "AH-TLS-1",
              reason: `the same call without ${header} goes past TLS too: the server is not verified at all (AH-TLS-1)`,
            }
          : undefined;
      },
    });
  },
);
