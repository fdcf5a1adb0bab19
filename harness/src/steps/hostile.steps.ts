// Hostile input that a careful provider refuses cheaply and exactly: huge
// values (AH-HDR-12), more header lines than a server keeps (AH-HDR-8), keys
// written twice or spelled with look-alike letters (AH-SRC-6), lenient Bearer
// separators (AH-HDR-6), foreign Host and Origin headers (AH-SEC-3).
import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { judgeRefusedUnserved } from "../checks/judgements.js";
import { expect, fail, Untestable } from "../checks/recorder.js";
import { judgeLinearCost } from "../checks/timing.js";
import { bearerToken } from "../credentials/bearer.js";
import { initializeMessage, rawPost } from "../mcp/raw.js";
import type { ConformanceWorld } from "../world/world.js";
import { Then, When } from "./dsl.js";
import { whileOtherTenantCalls } from "./other-tenant.js";
import { ADMISSION, LARGE_VALUE_COST, SLOW } from "./state.js";

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
    const meta: Record<string, unknown> = this.identities.headersOf(who);
    const text = PEM_LINE.repeat(Math.ceil((kib * 1024) / PEM_LINE.length));
    meta[key] = Buffer.from(text).toString("base64");
    // the other tenant's session exists before: what is measured is its calls, not a connect
    const s = await this.sessions.connect();
    await whileOtherTenantCalls(
      this,
      () =>
        this.calls.call(tool, {
          meta,
          label: this.identities.labelOf(
            who,
            [`${key} = ${kib} KiB of PEM certificate header lines`],
            "meta",
          ),
          timeoutMs: 60_000,
        }),
      { who: other, tool: otherTool, n, session: s, headStartMs: 20 },
    );
    // the cost curve, sampled alternately: a small invalid value, half the size, the full size
    const sized = async (k: number, what: string) => {
      const m: Record<string, unknown> = {
        ...meta,
        [key]: Buffer.from(PEM_LINE.repeat(k)).toString("base64"),
      };
      const r = await this.calls.call(tool, {
        meta: m,
        label: this.identities.labelOf(who, [`${key} = ${what}`], "meta"),
        timeoutMs: 60_000,
        control: true,
      });
      return r.answer.kind === "no-answer" ? Number.POSITIVE_INFINITY : r.answer.durationMs;
    };
    const lines = Math.ceil((kib * 1024) / PEM_LINE.length);
    const samples = {
      full: [this.features.get(SLOW)?.ms ?? Number.POSITIVE_INFINITY],
      half: [] as number[],
      small: [] as number[],
    };
    for (let i = 0; i < 2; i++) {
      samples.small.push(await sized(1, "one PEM header line (control)"));
      samples.half.push(await sized(Math.ceil(lines / 2), `${Math.ceil(kib / 2)} KiB (control)`));
      if (i > 0) samples.full.push(await sized(lines, `${kib} KiB (control)`));
    }
    this.features.set(LARGE_VALUE_COST, samples);
  },
);

Then("the large value was answered within {int} ms", async function (this: ConformanceWorld, ms: number) {
  await this.checks.judge(
    "answered-in-time",
    ["AH-HDR-12"],
    `the call with the large value is answered within ${ms} ms (plus a cheap refusal's time now), at a cost linear in its size`,
    () => {
      const v = judgeLinearCost(this.features.get(LARGE_VALUE_COST) ?? { full: [], half: [], small: [] }, {
        limitMs: ms,
        excessMs: 250,
      });
      this.attach(v.message, "text/plain");
      if (v.outcome === "untestable") throw new Untestable(v.message);
      expect(v.outcome === "pass", v.message);
    },
  );
});

When(
  "{word} calls {string} with {int} padding header lines, then its own tuple, then the tuple of {word}",
  async function (this: ConformanceWorld, who: string, tool: string, n: number, other: string) {
    const pairs: [string, string][] = Array.from({ length: n }, (_, i) => [`x-padding-${i}`, "p"]);
    pairs.push(
      ...Object.entries(this.identities.headersOf(who)),
      ...Object.entries(this.identities.headersOf(other)),
    );
    await this.calls.raw(
      tool,
      pairs,
      this.identities.labelOf(who, [`${n} padding header lines first, then ${other}'s tuple after`]),
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
    const meta = this.identities.headersOf(who);
    const value = meta[key];
    if (value === undefined) throw new Error(`${who} has no ${key}`);
    // JSON.parse keeps the last of two equal keys; the same value twice makes "last wins" succeed
    const json = `${JSON.stringify(meta).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;
    await this.calls.raw(
      tool,
      [],
      this.identities.labelOf(who, [`${key} written twice in the _meta JSON`], "meta"),
      {
        json,
      },
    );
  },
);

When(
  "{word} calls {string} with its credentials in _meta, the key {string} spelled with a Kelvin sign",
  async function (this: ConformanceWorld, who: string, tool: string, key: string) {
    const meta: Record<string, unknown> = this.identities.headersOf(who);
    const value = meta[key];
    delete meta[key];
    // U+212A KELVIN SIGN: Unicode case folding makes it "k", ASCII matching does not
    meta[`\u212A${key.slice(1)}`] = value;
    await this.calls.call(tool, {
      meta,
      label: this.identities.labelOf(who, [`${key} spelled with U+212A for its k`], "meta"),
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
    const meta = this.identities.headersOf(who);
    const token = bearerToken(meta[HEADER.authorization]);
    meta[HEADER.authorization] = `Bearer${glue}${token}`;
    await this.calls.call(tool, {
      meta,
      label: this.identities.labelOf(who, [`${HEADER.authorization} = Bearer, ${sep}, the token`], "meta"),
    });
  },
);

When(
  "an initialize is sent with the {word} header {string}",
  async function (this: ConformanceWorld, header: string, value: string) {
    const url = await this.target.url();
    const r = await rawPost(url, initializeMessage("auth-headers-conformance-rebinding"), [
      [header, value],
    ]).catch((e: Error) => e);
    this.features.set(
      ADMISSION,
      r instanceof Error ? { error: r.message } : { status: r.status, body: r.body.slice(0, 200) },
    );
  },
);

Then("it is refused with HTTP {int}", async function (this: ConformanceWorld, status: number) {
  const a = this.features.get(ADMISSION);
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
