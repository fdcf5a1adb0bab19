// The target slot's watch: trouble is a finding of the scenario that caused it.
import { describe, expect, it } from "vitest";
import { Untestable } from "../../../src/checks/recorder.js";
import { SecretRegistry } from "../../../src/report/redact.js";
import type { SharedTarget, TargetInstance, Trouble } from "../../../src/target/instances.js";
import type { WorldParams } from "../../../src/world/params.js";
import { ScenarioContext } from "../../../src/world/scenario.js";
import { TargetSlot } from "../../../src/world/target-slot.js";

function slotWith(
  trouble: Trouble | undefined,
  opts: { answers?: boolean; restartable?: boolean; canStart?: boolean } = {},
) {
  let discarded = 0;
  const instance = {
    url: "http://127.0.0.1:1/mcp",
    owned: true,
    label: "shared",
    trouble: () => trouble,
    answers: async () => opts.answers ?? true,
    tail: () => "tail",
    output: () => "out",
  } as unknown as TargetInstance;
  const shared = {
    get: async () => instance,
    restartable: opts.restartable ?? true,
    discard: async () => {
      discarded++;
    },
  } as unknown as SharedTarget;
  const ctx = new ScenarioContext();
  ctx.begin({ id: "headers/x", name: "x", tags: ["@AH-HDR-3"] });
  const secrets = new SecretRegistry();
  secrets.add("secret-in-the-log-1234");
  const params = { canStart: opts.canStart ?? true, profile: { flags: {} } } as unknown as WorldParams;
  return { slot: new TargetSlot(params, shared, ctx, secrets), ctx, discarded: () => discarded };
}

describe("TargetSlot", () => {
  it("records a crash once, under the scenario's requirements, with the log tail scrubbed", async () => {
    const { slot, ctx, discarded } = slotWith({
      kind: "panic",
      detail: "the target printed a crash: panic: boom",
      logTail: "panic: boom secret-in-the-log-1234",
    });
    expect(await slot.check(false, 3)).toBeDefined();
    await slot.check(false, 4);
    const healthy = ctx.checks.records.filter((c) => c.id === "target-healthy");
    expect(healthy).toHaveLength(1);
    expect(healthy[0]?.requirements).toEqual(["AH-HDR-3"]);
    expect(healthy[0]?.message).not.toContain("secret-in-the-log-1234");
    expect(ctx.record.targetEvents[0]?.kind).toBe("panic");
    expect(() => slot.requireHealthy()).toThrow(Untestable);
    await slot.dispose();
    expect(discarded()).toBe(1);
  });

  it("judges a crash after bad input under AH-HDR-10, and an endpoint that stopped answering after a call with no answer", async () => {
    const bad = slotWith({ kind: "exited", detail: "the target exited (exit code 2)", logTail: "" });
    await bad.slot.check(false, 1, true);
    expect(bad.ctx.checks.records[0]?.requirements).toEqual(["AH-HDR-10"]);
    const hung = slotWith(undefined, { answers: false });
    expect(await hung.slot.check(false)).toBeUndefined();
    expect((await hung.slot.check(true))?.kind).toBe("unresponsive");
  });

  it("cannot start an instance with flags when the target is reached by URL", async () => {
    const { slot } = slotWith(undefined, { canStart: false });
    await expect(slot.startOwn({ stateless: true })).rejects.toThrow(Untestable);
    await expect(slot.startOwn({ stateless: true }, "stateless")).rejects.toThrow(
      /claimed but cannot be exercised/,
    );
  });
});
