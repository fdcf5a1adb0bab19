// Whether a failed call that should have succeeded is the scenario's own finding or a more
// basic one (the identity fails everywhere, the headers were never read): one defect, one cause.
import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/checks/answer.js";
import { preconditionFailure } from "../../src/checks/preconditions.js";
import { ScenarioChecks } from "../../src/checks/recorder.js";
import { SecretRegistry } from "../../src/report/redact.js";
import type { ConformanceWorld } from "../../src/world/world.js";

const answer = (a: Partial<Answer> & Pick<Answer, "kind">): Answer =>
  ({ text: "", durationMs: 1, ...a }) as Answer;
const tool = (code: string) => answer({ kind: "tool-error", code, text: `[${code}] …` });

/** A world whose plain control call of alice answers `control`. */
function world(control: Answer) {
  let controls = 0;
  const w = {
    identities: {
      has: (who: string) => who === "alice",
      get: () => ({ kind: "token" }),
      headersOf: () => ({}),
      labelOf: () => ({ identity: "alice", cluster: "A" }),
    },
    calls: {
      controls: new Map<string, Answer>(),
      call: async () => {
        controls++;
        return { answer: control, call: 2 };
      },
    },
    sessions: { overStdio: false, connect: async () => ({}) },
    tools: { args: () => ({}) },
    checks: new ScenarioChecks(["@AH-TLS-2"]),
    secrets: new SecretRegistry(),
  } as unknown as ConformanceWorld;
  return { w, controls: () => controls };
}

describe("preconditionFailure", () => {
  it("is AH-HDR-9 when the headers were refused as too large: the call was never made", async () => {
    const { w, controls } = world(answer({ kind: "result" }));
    expect(await preconditionFailure(w, "alice", answer({ kind: "http-error", status: 431 }))).toMatchObject({
      requirement: "AH-HDR-9",
    });
    expect(controls()).toBe(0);
  });

  it("is the identity's when the plain call fails the same way", async () => {
    const { w } = world(tool("unauthorized"));
    expect(await preconditionFailure(w, "alice", tool("unauthorized"))).toMatchObject({
      requirement: "AH-AUTH-1",
    });
  });

  it("is AH-TLS-1 when the plain call fails TLS verification too", async () => {
    const { w } = world(tool("tls-verification-failed"));
    expect(await preconditionFailure(w, "alice", tool("tls-verification-failed"))).toMatchObject({
      requirement: "AH-TLS-1",
    });
  });

  it("leaves a TLS failure to the scenario when the plain call went past TLS, its credential refused or not", async () => {
    // first-ca-only behind bearer-bearer: the bundle's last CA is not trusted, the identity is broken too
    for (const control of [tool("unauthorized"), answer({ kind: "result" })]) {
      const { w } = world(control);
      expect(await preconditionFailure(w, "alice", tool("tls-verification-failed"))).toBeUndefined();
    }
  });
});
