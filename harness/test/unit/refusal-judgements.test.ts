// The judgement of a request refused at the HTTP level (too many header lines,
// headers beyond any limit): every way a provider can get it wrong fails it.
import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/checks/answer.js";
import { judgeRefusal, judgeRefusedUnserved } from "../../src/checks/judgements.js";
import { ScenarioChecks } from "../../src/checks/recorder.js";
import { SecretRegistry } from "../../src/report/redact.js";
import type { ConformanceWorld } from "../../src/world/world.js";

const SECRET = "opaque-token-in-the-answer-42";

async function judged(answer: Answer) {
  const secrets = new SecretRegistry();
  secrets.add(SECRET);
  const world = {
    calls: { last: { answer, call: 1, label: { source: "headers" } } },
    checks: new ScenarioChecks(["@AH-HDR-8", "@AH-HDR-10"]),
    secrets,
    // no call window: the contact witness has nothing to judge here (contact-witness.test.ts)
    timeline: { reaches: () => [] },
  } as unknown as ConformanceWorld;
  await judgeRefusedUnserved(world, "refused", "refused, never served");
  const [check, ...rest] = world.checks.records;
  // a refused request is also held to the contact witness; a served one needs no second finding
  expect(rest.map((r) => [r.id, r.status])).toEqual(
    answer.kind === "result" ? [] : [["not-contacted", "untestable"]],
  );
  return check;
}

const answer = (a: Partial<Answer> & Pick<Answer, "kind">): Answer =>
  ({ text: "", durationMs: 1, ...a }) as Answer;

describe("judgeRefusedUnserved", () => {
  it.each([
    ["HTTP 431", answer({ kind: "http-error", status: 431 })],
    ["an MCP tool error", answer({ kind: "tool-error", code: "invalid-header", text: "[invalid-header] …" })],
    ["a JSON-RPC error", answer({ kind: "jsonrpc-error", status: -32600, text: "too many header lines" })],
    ["a reset while the request was written", answer({ kind: "no-answer", text: "read ECONNRESET" })],
  ])("passes %s", async (_, a) => {
    expect(await judged(a)).toMatchObject({ id: "refused", status: "pass", requirements: ["AH-HDR-8"] });
  });

  it.each([
    ["a result", answer({ kind: "result", text: `cluster: A token ${SECRET}` }), /the request was served/],
    ["HTTP 500", answer({ kind: "http-error", status: 500 }), /HTTP 500 instead of a 4xx/],
    ["a redirect", answer({ kind: "http-error", status: 307 }), /HTTP 307 instead of a 4xx/],
    ["silence", answer({ kind: "no-answer", text: "timed out after 10000 ms" }), /no answer: timed out/],
    // what drop-excess-headers answers behind bearer-bearer: served with what was left, refused upstream
    [
      "an API server's refusal",
      answer({ kind: "tool-error", code: "unauthorized", text: `[unauthorized] ${SECRET}` }),
      /the request was served: \[unauthorized\] is the answer of a server the provider contacted/,
    ],
  ])("fails %s, without echoing a secret", async (_, a, message) => {
    const check = await judged(a);
    expect(check).toMatchObject({ status: "fail", call: 1 });
    expect(check?.message).toMatch(message);
    expect(check?.message).not.toContain(SECRET);
  });
});

describe("judgeRefusal of a call that must fail TLS verification", () => {
  async function tlsJudged(a: Answer, tags = ["@AH-TLS-1", "@AH-ERR-1"], control?: () => Promise<boolean>) {
    const world = {
      calls: { last: { answer: a, call: 1, label: { source: "headers" } } },
      checks: new ScenarioChecks(tags),
      secrets: new SecretRegistry(),
    } as unknown as ConformanceWorld;
    await judgeRefusal(world, {
      codes: ["tls-verification-failed"],
      ...(control
        ? {
            control: async () =>
              (await control())
                ? { requirement: "AH-TLS-1", reason: "the control went past TLS too" }
                : undefined,
          }
        : {}),
    });
    return world.checks.records;
  }

  it("fails an answer only the API server gives, whatever the credential: the request went past TLS", async () => {
    // what a provider that skips verification answers when its credential is broken too (bearer-bearer)
    const records = await tlsJudged(
      answer({
        kind: "tool-error",
        code: "unauthorized",
        text: "[unauthorized] the API server rejected the credentials (401)",
      }),
    );
    expect(records.find((r) => r.id === "refused")).toMatchObject({
      status: "fail",
      requirements: ["AH-TLS-1"],
    });
    expect(records.find((r) => r.id === "refused")?.message).toMatch(
      /not refused at TLS verification: \[unauthorized\]/,
    );
    // one cause: the code is not blamed a second time under AH-ERR-1
    expect(records.find((r) => r.id === "error-code")).toMatchObject({ status: "skipped" });
  });

  it("passes the refusal at TLS verification", async () => {
    const records = await tlsJudged(
      answer({ kind: "tool-error", code: "tls-verification-failed", text: "[tls-verification-failed] …" }),
    );
    expect(records.find((r) => r.id === "refused")).toMatchObject({ status: "pass" });
    expect(records.find((r) => r.id === "error-code")).toMatchObject({ status: "pass" });
  });

  it("blames AH-TLS-1, not the scenario's rule, when the control call goes past TLS too", async () => {
    // skip-tls-verify behind bearer-bearer in an AH-CONN-1 scenario: the server is not verified at all
    const unauthorized = answer({ kind: "tool-error", code: "unauthorized", text: "[unauthorized] (401)" });
    const records = await tlsJudged(unauthorized, ["@AH-CONN-1", "@AH-ERR-1"], async () => true);
    expect(records.find((r) => r.id === "refused")).toMatchObject({
      status: "untestable",
      requirements: ["AH-CONN-1"],
    });
    // without the control's finding the scenario's own rule fails
    const own = await tlsJudged(unauthorized, ["@AH-CONN-1", "@AH-ERR-1"], async () => false);
    expect(own.find((r) => r.id === "refused")).toMatchObject({
      status: "fail",
      requirements: ["AH-CONN-1"],
    });
  });
});
