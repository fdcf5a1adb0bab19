// The judgement of a request refused at the HTTP level (too many header lines,
// headers beyond any limit): every way a provider can get it wrong fails it.
import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/checks/answer.js";
import { judgeRefusedUnserved } from "../../src/checks/judgements.js";
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
  } as unknown as ConformanceWorld;
  await judgeRefusedUnserved(world, "refused", "refused, never served");
  const [check, ...rest] = world.checks.records;
  expect(rest).toEqual([]);
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
  ])("fails %s, without echoing a secret", async (_, a, message) => {
    const check = await judged(a);
    expect(check).toMatchObject({ status: "fail", call: 1 });
    expect(check?.message).toMatch(message);
    expect(check?.message).not.toContain(SECRET);
  });
});
