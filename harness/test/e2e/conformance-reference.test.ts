// The clean reference server passes the whole default suite: 100%, no
// warnings, no skips (it claims every optional capability). The same run
// holds the checks model to the features: every requirement a scenario is
// tagged with is judged by one of its checks, and no passing check judges a
// requirement the scenario is not tagged with (so `list` says what is judged).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

describe("reference server", () => {
  it("is conformant: every scenario passes, and every tag is judged by a check", {
    timeout: 600_000,
  }, async () => {
    const r = await runConformance(["--target", "reference", "--clusters-file", file]);
    const notPassed = r.scenarios.filter((s) => s.verdict !== "pass");
    expect(notPassed, r.output.slice(-3000)).toEqual([]);
    expect(r.scenarios.length).toBeGreaterThanOrEqual(110);
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("CONFORMANT");
    expect(r.conformant).toBe(true);
    const mismatches = r.scenarios.flatMap((s) => {
      const tags = new Set((s as unknown as { requirements: string[] }).requirements);
      const judged = new Set(s.checks.flatMap((c) => c.requirements));
      const unjudged = [...tags].filter((t) => !judged.has(t));
      const untagged = [...judged].filter((t) => !tags.has(t));
      return unjudged.length || untagged.length ? [`${s.id}: unjudged ${unjudged} untagged ${untagged}`] : [];
    });
    expect(mismatches).toEqual([]);
    expect(r.requirements.filter((q) => q.verdict !== "pass").map((q) => `${q.id} ${q.verdict}`)).toEqual([]);
  });
});
