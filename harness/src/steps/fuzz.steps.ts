// @fuzz: ≥ 1,000 hostile cluster tuples over real HTTP against a running
// target. Every answer must be an MCP result (a documented error code when it
// failed) or an HTTP 4xx; no secret may come back; the target must survive and
// serve a good call afterwards. Seeded: AHC_FUZZ_SEED replays a run.

import fc from "fast-check";
import { ERROR_CODE, HEADER, VALIDATION_CODES } from "../../../reference-server/src/wire/constants.js";
import { judgeNoSecretInOutput } from "../checks/judgements.js";
import { expect, fail, Untestable } from "../checks/recorder.js";
import { bearerToken } from "../credentials/bearer.js";
import {
  type FuzzCase,
  type FuzzMaterial,
  fuzzCase,
  guardLoopback,
  headerSafe,
  secretsOf,
} from "../fuzz/arbitraries.js";
import type { FuzzResult } from "../fuzz/state.js";
import { runPool, seedFrom } from "../load/stats.js";
import { type RawResponse, RawSession, rawOutcome, rawPost } from "../mcp/raw.js";
import { b64 } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";
import { Then, When } from "./dsl.js";
import { FUZZ } from "./state.js";

const CODES = new Set<string>(Object.values(ERROR_CODE));
const STACK = /\bat [^\s()]+ \([^)]*:\d+:\d+\)|\n\s+at .+:\d+:\d+/;

/** AH-HDR-9: at least 64 KiB must be accepted; beyond, a refusal may also be a closed connection. */
const MUST_ACCEPT_HEADER_BYTES = 64 * 1024;

function headerBytes(c: FuzzCase): number {
  return c.headers.reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(headerSafe(v), "latin1") + 4,
    0,
  );
}

type Problem = NonNullable<FuzzResult["problem"]>;

/** What is wrong with one answer, by the requirement it breaks (undefined: fine). */
function judge(c: FuzzCase, r: RawResponse | Error, id: number, secrets: string[]): Problem | undefined {
  if (r instanceof Error) {
    // A server that answers 431 and closes while the client still sends a huge header block makes
    // the client see a reset instead of the 431: a refusal, not a crash (the target is checked after).
    if (headerBytes(c) > MUST_ACCEPT_HEADER_BYTES && /ECONNRESET|EPIPE|socket hang up/.test(r.message))
      return undefined;
    return {
      requirement: "AH-HDR-10",
      kind: "no HTTP answer",
      detail: `${headerBytes(c)} header bytes: ${r.message}`,
    };
  }
  const leaked = secrets.filter((s) => r.body.includes(s));
  if (leaked.length > 0)
    return {
      requirement: "AH-SEC-1",
      kind: "echoed a secret",
      detail: `HTTP ${r.status} echoes ${leaked.length} secret value(s)`,
    };
  if (STACK.test(r.body)) return { requirement: "AH-ERR-3", kind: "stack trace", detail: `HTTP ${r.status}` };
  if (r.status >= 400 && r.status < 500) return undefined;
  if (r.status !== 200)
    return { requirement: "AH-HDR-10", kind: `HTTP ${r.status}`, detail: r.body.slice(0, 120) };
  const o = rawOutcome(r.messages.find((m) => m.id === id));
  if (!o)
    return {
      requirement: "AH-HDR-10",
      kind: "HTTP 200 without a JSON-RPC answer",
      detail: r.body.slice(0, 120),
    };
  if (o.kind === "jsonrpc-error")
    return {
      requirement: "AH-ERR-1",
      kind: "a JSON-RPC error instead of a tool result",
      detail: o.text.slice(0, 160),
    };
  if (o.isError && !(o.code && CODES.has(o.code)))
    return {
      requirement: "AH-ERR-1",
      kind: "an error without a documented code",
      detail: o.text.slice(0, 160),
    };
  return undefined;
}

When(
  "{int} random cluster tuples are sent by {word} as headers and _meta to the target",
  async function (this: ConformanceWorld, n: number, who: string) {
    const own = this.identities.headersOf(who);
    const a = this.clusters.get(this.identities.clusterOf(who));
    const other = [...this.clusters.all().values()].find((c) => c !== a);
    const token = bearerToken(own[HEADER.authorization]);
    const carol = this.identities
      .entries()
      .map(([, e]) => e)
      .find((e) => e.identity.kind === "cert")?.identity.headers;
    if (!carol) throw new Error("the fuzz scenario needs a client-certificate identity");
    const otherCert = this.identities
      .entries()
      .map(([, e]) => e)
      .filter((e) => e.identity.kind === "cert")[1]?.identity.headers;
    const m: FuzzMaterial = {
      servers: [
        a.server,
        "https://127.0.0.1:1",
        `${a.server}/prefix`,
        a.server.replace("127.0.0.1", "localhost"),
      ],
      caB64: a.caHeader,
      otherCaB64: other?.caHeader ?? b64((await this.oracleCa()).certPem),
      certB64: carol[HEADER.clientCertificateData] as string,
      keyB64: carol[HEADER.clientKeyData] as string,
      otherKeyB64: (otherCert?.[HEADER.clientKeyData] ?? carol[HEADER.clientKeyData]) as string,
      tokens: [token],
    };
    const seed = seedFrom("AHC_FUZZ_SEED");
    const cases = fc.sample(fuzzCase(m), { seed, numRuns: n }).map(guardLoopback);
    const session = await this.sessions.openWith(async (h) => RawSession.open(await this.target.url(), h));
    const tool = this.tools.name("namespaces_list");
    const results: FuzzResult[] = [];
    let id = 1_000_000;
    const t0 = performance.now();
    await runPool(
      cases.length,
      8,
      async (i) => {
        const c = cases[i] as FuzzCase;
        const callId = id++;
        const params: Record<string, unknown> = { name: tool, arguments: {} };
        if (c.meta) params._meta = c.meta;
        const r = await rawPost(
          session.url,
          { jsonrpc: "2.0", id: callId, method: "tools/call", params },
          [...session.sessionHeaders(), ...c.headers.map(([k, v]) => [k, headerSafe(v)] as [string, string])],
          30_000,
        ).catch((e: Error) => e);
        results.push({ index: i, shape: c.shape, problem: judge(c, r, callId, secretsOf(c, m)) });
      },
      { deadlineMs: 80_000 },
    );
    const line = `fuzz: ${results.length} case(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${seed} (replay: AHC_FUZZ_SEED=${seed})`;
    this.attach(line, "text/plain");
    process.stderr.write(`\n[fuzz] ${line}\n`);
    this.features.set(FUZZ, { results, seed, n });
    this.timeline.addBatch(
      `${n} hostile tuples (seed ${seed})`,
      results,
      (r) => (r.problem ? `${r.problem.requirement}: ${r.problem.kind}` : "answered"),
      { at: 0, durationMs: performance.now() - t0 },
    );
  },
);

Then(
  "every answer was an MCP result with a documented code or an HTTP 4xx, and none echoed a secret",
  async function (this: ConformanceWorld) {
    const state = this.features.get(FUZZ);
    if (!state) throw new Error("no fuzz run");
    const { results, seed, n } = state;
    const replay = `seed ${seed}; replay with AHC_FUZZ_SEED=${seed}`;
    // Liveness first: a target that died makes every later case "no answer", one finding, not hundreds.
    const trouble = await this.target.check(results.some((r) => r.problem?.kind === "no HTTP answer"));
    const first = results
      .filter((r) => r.problem?.kind === "no HTTP answer")
      .sort((x, y) => x.index - y.index)[0];
    await this.checks.judge(
      "survives-fuzzing",
      ["AH-HDR-10"],
      "the target survives every hostile tuple",
      () => {
        if (trouble)
          fail(
            `${trouble.detail} during the fuzz run (${replay}); first case without an answer: #${first?.index} [${first?.shape}]`,
          );
        expect(results.length >= n, `only ${results.length} of ${n} cases ran in the time bound`);
      },
    );
    for (const requirement of ["AH-HDR-10", "AH-ERR-1", "AH-ERR-3", "AH-SEC-1"]) {
      const mine = results.filter((r) => r.problem?.requirement === requirement);
      await this.checks.judge(
        `fuzz-${requirement.toLowerCase()}`,
        [requirement],
        `every hostile tuple is answered as ${requirement} says`,
        () => {
          if (trouble && requirement === "AH-HDR-10")
            throw new Untestable("not judged case by case: the target crashed (see survives-fuzzing)");
          if (mine.length === 0) return;
          // every distinct problem, with how often it happened and the first case that shows it
          const byKind = new Map<string, FuzzResult[]>();
          for (const r of mine) {
            const k = `${r.problem?.kind} [${r.shape}]`;
            byKind.set(k, [...(byKind.get(k) ?? []), r]);
          }
          const lines = [...byKind].map(
            ([k, rs]) => `${rs.length} × ${k}, e.g. #${rs[0]?.index}: ${rs[0]?.problem?.detail ?? ""}`,
          );
          fail(
            `${mine.length} of ${results.length} case(s) (${replay}), ${byKind.size} distinct:\n${lines.join("\n")}`,
          );
        },
      );
    }
  },
);

Then(
  "the target is still running and a good call of {word} succeeds",
  async function (this: ConformanceWorld, who: string) {
    await this.checks.judge(
      "still-serves",
      ["AH-HDR-10"],
      `after the fuzz run the target serves ${who}`,
      async () => {
        if (this.target.crashed)
          throw new Untestable(`not judged: ${this.target.crashed.detail} (see survives-fuzzing)`);
        const s = await this.sessions.connect();
        const r = await this.calls.call("namespaces_list", {
          session: s,
          headers: this.identities.headersOf(who),
          args: {},
          label: this.identities.labelOf(who),
          control: true,
        });
        const a = r.answer;
        if (a.kind === "tool-error" && a.code && VALIDATION_CODES.includes(a.code))
          fail(`a good call after the fuzz run was refused as [${a.code}]`);
        expect(
          a.kind === "result" || a.kind === "tool-error",
          `a good call after the fuzz run got ${a.kind}: ${a.text.slice(0, 160)}`,
        );
      },
    );
    await judgeNoSecretInOutput(this);
  },
);
