// The judgements steps make about the last call. Each records separate checks
// for separate requirements: whether the call was refused (the rule of the
// scenario) is judged apart from the error's form (AH-ERR-1), its naming of
// the header (AH-ERR-2) and stack traces (AH-ERR-3), so that either can fail
// alone.
import { ERROR_CODE, HEADER, VALIDATION_CODES } from "../../../reference-server/src/wire/constants.js";
import type { ConformanceWorld, LastCall } from "../world/world.js";
import { type Answer, answeredByApiServer, describeAnswer, refusedInAnyForm } from "./answer.js";
import { attributeShared, judgeNoContact } from "./contact.js";
import { untestableIfPrecondition } from "./preconditions.js";
import { expect, fail, NotApplicable, PreconditionFailed, Untestable } from "./recorder.js";

export const STACK_TRACE =
  /\n\s+at .+\(.+:\d+:\d+\)|\bat [^\s()]+ \([^)]*:\d+:\d+\)|goroutine \d+ \[|Traceback \(most recent/;

export function lastCall(world: ConformanceWorld): LastCall {
  if (!world.calls.last) throw new Error("no call was made before this step");
  return world.calls.last;
}

const firstLine = (a: Answer) => (a.text.split("\n")[0] ?? "").slice(0, 200);

/** Fails unless the call succeeded; an error of an identity that fails everywhere is untestable here. */
export async function requireSuccess(
  world: ConformanceWorld,
  last: LastCall,
  reqs: readonly string[] = world.checks.subject(),
): Promise<Answer> {
  const a = last.answer;
  if (a.kind === "result") return a;
  await untestableIfPrecondition(world, last.label.identity, a, reqs);
  fail(`expected success, got ${world.secrets.scrub(describeAnswer(a))}`);
}

export async function judgeSuccess(world: ConformanceWorld, reqs = world.checks.subject()) {
  const last = lastCall(world);
  await world.checks.judge(
    "succeeds",
    reqs,
    "the call succeeds",
    () => requireSuccess(world, last, reqs).then(() => {}),
    {
      call: last.call,
    },
  );
}

/** What the audit logs saw of `who` during call `index`, where any can be read (none: nothing to add). */
async function auditedRequests(world: ConformanceWorld, who: string, index: number): Promise<string[]> {
  try {
    return await requestsDuring(world, world.identities.get(who).user, index);
  } catch (e) {
    if (e instanceof Untestable) return [];
    throw e;
  }
}

/** Requests of `user` that any cluster logged while call `index` was under way (after the audit barrier). */
async function requestsDuring(world: ConformanceWorld, user: string, index: number) {
  const w = world.timeline.windows.find((x) => x.index === index);
  const seen: string[] = [];
  const witnesses = [...world.audit.marks.keys()].filter((n) => world.clusters.get(n).can("auditLog"));
  if (witnesses.length === 0)
    throw new Untestable("no cluster's audit log can be read to tell whether it was contacted");
  for (const name of witnesses) {
    const events = (await world.audit.settled(name, user)).filter((e) => {
      const at = Date.parse(e.requestReceivedTimestamp);
      // strictly inside: the API server receives a request after the call was sent and
      // before its answer came back (the calls before and after may be a millisecond away)
      return !w || (at >= w.startEpochMs && at <= w.endEpochMs);
    });
    if (events.length) seen.push(`cluster ${name} logged ${events.length} request(s)`);
  }
  return seen;
}

export interface RefusalExpectation {
  /** Accepted codes (AH-ERR-1); undefined: any code. */
  codes?: string[];
  /** Header or key the error must name (AH-ERR-2). */
  names?: string;
  /**
   * When the call was not refused: a control call that tells whether the
   * scenario's own rule is broken, or a more basic one (the control succeeds
   * too). Resolves to the basic requirement and why, or undefined.
   */
  control?: () => Promise<{ requirement: string; reason: string } | undefined>;
}

/**
 * The call was refused: judged under the scenario's requirement (refused in
 * any form; for validation codes, also before any API server saw the caller),
 * then the form under AH-ERR-1/2/3.
 */
export async function judgeRefusal(world: ConformanceWorld, exp: RefusalExpectation): Promise<void> {
  const last = lastCall(world);
  const a = last.answer;
  const opts = { call: last.call };
  const validation = exp.codes?.every((c) => VALIDATION_CODES.includes(c)) ?? false;
  // expected at TLS verification: an API server's answer means the request went past it
  const pastTls =
    a.kind !== "result" &&
    (exp.codes?.length ?? 0) > 0 &&
    (exp.codes ?? []).every((c) => c === ERROR_CODE.tlsVerificationFailed) &&
    answeredByApiServer(a);
  await world.checks.judge(
    "refused",
    world.checks.subject(),
    validation ? "refused before any API server is contacted" : "the call fails",
    async () => {
      if (a.kind === "result") {
        const basic = await exp.control?.();
        if (basic) throw new PreconditionFailed(basic.requirement, basic.reason);
        fail(`the call succeeded: ${world.secrets.scrub(firstLine(a))}`);
      }
      if (a.kind === "no-answer") fail(`no answer came back: ${a.text}`);
      if (a.kind === "http-error" && !refusedInAnyForm(a)) fail(`HTTP ${a.status} instead of a refusal`);
      if (validation && upstreamCode(a))
        fail(`not refused before connecting: [${a.code}] is the answer of a server the provider contacted`);
      if (pastTls) {
        const basic = await exp.control?.();
        if (basic) throw new PreconditionFailed(basic.requirement, basic.reason);
        fail(
          `not refused at TLS verification: [${a.code}] is the API server's answer to a request sent past a certificate the provider should have refused`,
        );
      }
    },
    opts,
  );
  if (validation && a.kind !== "result" && a.kind !== "no-answer") await judgeNotContacted(world, last);
  // A provider that says a field is missing which `_meta` carries did not take `_meta` as the
  // source (it fell back to the headers): that is AH-SRC-2's finding, and its error's code
  // and wording answer another question than the one asked.
  const ignored = missingThoughSent(a, last.sent?.meta);
  if (ignored)
    world.checks.record(
      "meta-is-the-source",
      ["AH-SRC-2"],
      "fail",
      "_meta is the call's only source",
      `the error says ${ignored} is missing, but _meta carries it: the provider did not judge _meta`,
      opts,
    );
  // A validation refusal that came from upstream is the finding above; its code and wording are not another.
  const form =
    validation && upstreamCode(a)
      ? { ...exp, notRefused: "the call was not refused before connecting" }
      : pastTls
        ? { ...exp, notRefused: "the call was not refused at TLS verification" }
        : ignored
          ? { ...exp, notRefused: "the provider answered about the headers, not about _meta" }
          : exp;
  await judgeErrorForm(world, last, form);
}

/**
 * No cluster saw a connection or a byte from the provider while the refused call was under
 * way, whether or not the request authenticated (the forwarders are the witness; the audit
 * log only adds who called). See docs/design.md "Contact witness".
 */
async function judgeNotContacted(world: ConformanceWorld, last: LastCall): Promise<void> {
  const who = last.label.identity;
  const opts = { call: last.call };
  await world.checks.judge(
    "not-contacted",
    world.checks.subject(),
    "no API server was contacted during the refused call (connections and bytes at the scenario's forwarders)",
    async () => {
      const reaches = world.timeline.reaches();
      const reach = reaches.find((x) => x.index === last.call);
      if (!reach) throw new Untestable("the call's time window is unknown");
      const verdict = judgeNoContact(
        attributeShared(world.net.contactDuring(reach), reach, reaches),
        reach.clusters[0],
      );
      // the audit log adds who called, when the caller authenticated
      const seen = who && world.identities.has(who) ? await auditedRequests(world, who, last.call) : [];
      const as = seen.length ? `; ${seen.join(", ")} as ${who}` : "";
      if (verdict.outcome === "fail")
        fail(`refused only after contacting the cluster: ${verdict.message}${as}`);
      if (seen.length) fail(`refused only after the API server was contacted${as}`);
      if (verdict.outcome === "untestable") throw new Untestable(verdict.message);
    },
    opts,
  );
}

/**
 * A request refused at the HTTP level: a 4xx, an MCP error, or a connection
 * reset; never a result. The server may answer 431 and close while the client
 * is still writing, so a reset is a refusal too (serving on is judged apart).
 */
export async function judgeRefusedUnserved(
  world: ConformanceWorld,
  id: string,
  expectation: string,
): Promise<void> {
  const last = lastCall(world);
  const a = last.answer;
  await world.checks.judge(
    id,
    world.checks.subject(),
    expectation,
    () => {
      if (a.kind === "result") fail(`the request was served: ${world.secrets.scrub(firstLine(a))}`);
      if (upstreamCode(a))
        fail(`the request was served: [${a.code}] is the answer of a server the provider contacted with it`);
      if (a.kind === "http-error")
        expect((a.status ?? 0) >= 400 && (a.status ?? 0) < 500, `HTTP ${a.status} instead of a 4xx`);
      if (a.kind === "no-answer")
        expect(/ECONNRESET|EPIPE|socket hang up/i.test(a.text), `no answer: ${a.text.slice(0, 160)}`);
    },
    { call: last.call },
  );
  if (a.kind !== "result") await judgeNotContacted(world, last);
}

/** The `_meta` key a [missing-header] error names although `_meta` carried it, if any. */
function missingThoughSent(a: Answer, meta: Record<string, unknown> | undefined): string | undefined {
  if (!meta || a.kind !== "tool-error" || a.code !== ERROR_CODE.missingHeader) return undefined;
  const first = a.text.split("\n")[0]?.toLowerCase() ?? "";
  const named = Object.values(HEADER).filter((h) => first.includes(h));
  const sent = new Set(Object.keys(meta).map((k) => k.toLowerCase()));
  // the header named first is the one said to be missing
  const missing = named.sort((x, y) => first.indexOf(x) - first.indexOf(y))[0];
  return missing && sent.has(missing) && typeof meta[missing] === "string" ? missing : undefined;
}

/** AH-ERR-1/2/3 on an error answer; nothing to judge when the call did not fail with an answer. */
/** A tool-error code that only a provider that talked to a server can give. */
const upstreamCode = (a: Answer) =>
  a.kind === "tool-error" &&
  a.code !== undefined &&
  ERROR_CODES.has(a.code) &&
  !VALIDATION_CODES.includes(a.code) &&
  a.code !== ERROR_CODE.invalidArgument;

const ERROR_CODES = new Set<string>(Object.values(ERROR_CODE));

export async function judgeErrorForm(
  world: ConformanceWorld,
  last: LastCall,
  exp: RefusalExpectation & { notRefused?: string },
) {
  const a = last.answer;
  const opts = { call: last.call };
  const noError = a.kind === "result" || a.kind === "no-answer" || exp.notRefused !== undefined;
  const why = exp.notRefused ?? (a.kind === "result" ? "the call succeeded" : "no answer came back");
  const codes = exp.codes;
  await world.checks.judge(
    "error-code",
    ["AH-ERR-1"],
    codes
      ? `an isError result starting with [${codes.join("] or [")}]`
      : "an isError result starting with a [code]",
    async () => {
      if (noError) throw new NotApplicable(`nothing to judge: ${why}`);
      if (a.kind === "jsonrpc-error")
        fail(`refused as a JSON-RPC error (${a.status}) instead of an isError result with a [code]`);
      if (a.kind === "http-error")
        fail(`refused with HTTP ${a.status} instead of an isError result with a [code]`);
      if (!a.code) fail(`the error text does not start with a [code]: ${world.secrets.scrub(firstLine(a))}`);
      if (codes && !codes.includes(a.code)) {
        // [forbidden] expected, [unauthorized] got: is the identity refused everywhere?
        if (!codes.every((c) => VALIDATION_CODES.includes(c)))
          await untestableIfPrecondition(world, last.label.identity, a);
        fail(`expected [${codes.join("] or [")}], got [${a.code}]`);
      }
    },
    opts,
  );
  if (exp.names) {
    const name = exp.names;
    await world.checks.judge(
      `names-${name}`,
      ["AH-ERR-2"],
      `the error names ${name}`,
      () => {
        if (noError) throw new NotApplicable(`nothing to judge: ${why}`);
        expect(
          a.text.toLowerCase().includes(name.toLowerCase()),
          `the error does not name ${name}: ${world.secrets.scrub(firstLine(a))}`,
        );
      },
      opts,
    );
  }
  await world.checks.judge(
    "no-stack-trace",
    ["AH-ERR-3"],
    "the error holds no stack trace",
    () => {
      if (noError) throw new NotApplicable(`nothing to judge: ${why}`);
      expect(!STACK_TRACE.test(a.text), "the error contains a stack trace");
    },
    opts,
  );
}

/** AH-SEC-1 over one text. */
export async function judgeNoSecret(world: ConformanceWorld, what: string, text: string, call?: number) {
  await world.checks.judge(
    "no-secret",
    ["AH-SEC-1"],
    `no minted credential in ${what}`,
    () => {
      const leaks = world.secrets.leaks(text);
      expect(leaks.length === 0, `${what} contains ${leaks.length} minted credential value(s)`);
    },
    call !== undefined ? { call } : {},
  );
}

/** Ids of the clusters whose identity uid appears in a text. */
export function uidsIn(world: ConformanceWorld, text: string): string[] {
  return [...world.clusters.all()]
    .filter(([, c]) => c.info.identityUid && text.includes(c.info.identityUid))
    .map(([n]) => n);
}

export { Untestable };

/** AH-SEC-1 over the output of the target instance serving the scenario (untestable when not ours). */
export async function judgeNoSecretInOutput(world: ConformanceWorld): Promise<void> {
  const out = await world.target.output();
  await world.checks.judge(
    "no-secret-in-output",
    ["AH-SEC-1"],
    "no minted credential in the target's output",
    () => {
      if (out === undefined)
        throw new Untestable("the harness did not start the target, so its output cannot be read");
      const leaks = world.secrets.leaks(out);
      expect(leaks.length === 0, `the target's output contains ${leaks.length} minted credential value(s)`);
    },
  );
}
