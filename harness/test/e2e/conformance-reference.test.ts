// The clean reference server passes the whole default suite: 100%, no
// warnings, no skips (it claims every optional capability).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

describe("reference server", () => {
  it("is conformant: every selected scenario passes", { timeout: 600_000 }, async () => {
    const r = await runConformance(["--target", "reference", "--clusters-file", file]);
    const notPassed = r.scenarios.filter((s) => s.verdict !== "pass");
    expect(notPassed, r.output.slice(-3000)).toEqual([]);
    expect(r.scenarios.length).toBeGreaterThanOrEqual(80);
    expect(r.exitCode).toBe(0);
    expect(r.conformant).toBe(true);
  });
});
