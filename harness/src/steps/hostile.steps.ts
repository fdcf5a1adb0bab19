// Hostile input that a careful provider refuses cheaply and exactly: huge
// values (AH-HDR-12), more header lines than a server keeps (AH-HDR-8), keys
// written twice or spelled with look-alike letters (AH-SRC-6), lenient Bearer
// separators (AH-HDR-6), foreign Host and Origin headers (AH-SEC-3).

import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { judgeRefusedUnserved } from "../checks/judgements.js";
import { expect, fail } from "../checks/recorder.js";
import { bearerToken } from "../credentials/bearer.js";
import { initializeMessage, rawPost } from "../mcp/raw.js";
import type { ConformanceWorld } from "../world/world.js";
import { Then, When } from "./dsl.js";
import { whileOtherTenantCalls } from "./other-tenant.js";

/** The header line of a PEM certificate, the unit of the quadratic-parsing attack. */
const PEM_LINE = "-----BEGIN CERTIFICATE-----\n";

When(
  "{word} calls {string} with the _meta key {string} set to {int} KiB of certificate headers while {word} calls {string} {int} times",
  async function (
    this: ConformanceWorld,
    who: string,
    tool: string,
    key: string,
    kib: number,
    other: string,
    otherTool: string,
    n: number,
  ) {
    const meta: Record<string, unknown> = this.headersOf(who);
    const text = PEM_LINE.repeat(Math.ceil((kib * 1024) / PEM_LINE.length));
    meta[key] = Buffer.from(text).toString("base64");
    // the other tenant's session exists before: what is measured is its calls, not a connect
    const s = await this.connect();
    await whileOtherTenantCalls(
      this,
      () =>
        this.call(tool, {
          meta,
          label: this.labelOf(who, [`${key} = ${kib} KiB of PEM certificate header lines`], "meta"),
          timeoutMs: 60_000,
        }),
      { who: other, tool: otherTool, n, session: s, headStartMs: 20 },
    );
  },
);

Then("the large value was answered within {int} ms", async function (this: ConformanceWorld, ms: number) {
  await this.checks.judge(
    "answered-in-time",
    ["AH-HDR-12"],
    `the call with the large value is answered within ${ms} ms`,
    () => {
      const took = this.slow?.ms ?? Number.POSITIVE_INFINITY;
      expect(took <= ms, `the call took ${Math.round(took)} ms`);
    },
  );
});

When(
  "{word} calls {string} with {int} padding header lines, then its own tuple, then the tuple of {word}",
  async function (this: ConformanceWorld, who: string, tool: string, n: number, other: string) {
    const pairs: [string, string][] = Array.from({ length: n }, (_, i) => [`x-padding-${i}`, "p"]);
    pairs.push(...Object.entries(this.headersOf(who)), ...Object.entries(this.headersOf(other)));
    await this.rawCall(
      tool,
      pairs,
      this.labelOf(who, [`${n} padding header lines first, then ${other}'s tuple after`]),
    );
  },
);

Then("the request was refused, not served", async function (this: ConformanceWorld) {
  await judgeRefusedUnserved(
    this,
    "refused",
    "refused (HTTP 431 or an error), never served with part of its header lines",
  );
});

When(
  "{word} calls {string} with its credentials in _meta, the key {string} written twice in the JSON text",
  async function (this: ConformanceWorld, who: string, tool: string, key: string) {
    const meta = this.headersOf(who);
    const value = meta[key];
    if (value === undefined) throw new Error(`${who} has no ${key}`);
    // JSON.parse keeps the last of two equal keys; the same value twice makes "last wins" succeed
    const json = `${JSON.stringify(meta).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;
    await this.rawCall(tool, [], this.labelOf(who, [`${key} written twice in the _meta JSON`], "meta"), {
      json,
    });
  },
);

When(
  "{word} calls {string} with its credentials in _meta, the key {string} spelled with a Kelvin sign",
  async function (this: ConformanceWorld, who: string, tool: string, key: string) {
    const meta: Record<string, unknown> = this.headersOf(who);
    const value = meta[key];
    delete meta[key];
    // U+212A KELVIN SIGN: Unicode case folding makes it "k", ASCII matching does not
    meta[`\u212A${key.slice(1)}`] = value;
    await this.call(tool, {
      meta,
      label: this.labelOf(who, [`${key} spelled with U+212A for its k`], "meta"),
    });
  },
);

const SEPARATORS: Record<string, string> = {
  "a tab": "\t",
  "two spaces": "  ",
  "a no-break space": "\u00a0",
  "a line separator": "\u2028",
  "a byte-order mark": "\ufeff",
};

When(
  "{word} calls {string} with Bearer and its token joined by {string} in _meta",
  async function (this: ConformanceWorld, who: string, tool: string, sep: string) {
    const glue = SEPARATORS[sep];
    if (glue === undefined)
      throw new Error(`unknown separator "${sep}" (known: ${Object.keys(SEPARATORS).join(", ")})`);
    const meta = this.headersOf(who);
    const token = bearerToken(meta[HEADER.authorization]);
    meta[HEADER.authorization] = `Bearer${glue}${token}`;
    await this.call(tool, {
      meta,
      label: this.labelOf(who, [`${HEADER.authorization} = Bearer, ${sep}, the token`], "meta"),
    });
  },
);

When(
  "an initialize is sent with the {word} header {string}",
  async function (this: ConformanceWorld, header: string, value: string) {
    const url = await this.targetUrl();
    const r = await rawPost(url, initializeMessage("auth-headers-conformance-rebinding"), [
      [header, value],
    ]).catch((e: Error) => e);
    this.admission =
      r instanceof Error ? { error: r.message } : { status: r.status, body: r.body.slice(0, 200) };
  },
);

Then("it is refused with HTTP {int}", async function (this: ConformanceWorld, status: number) {
  const a = this.admission;
  if (!a) throw new Error("no request was sent");
  await this.checks.judge(
    "refused-at-the-door",
    this.checks.subject(),
    `HTTP ${status} before any MCP handling`,
    () => {
      if (a.error !== undefined) fail(`no answer: ${a.error}`);
      expect(a.status === status, `HTTP ${a.status}: ${a.body ?? ""}`);
    },
  );
});
