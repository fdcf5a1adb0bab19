// The workers' bundle of the step definitions (harness/src/steps/bundle.mjs) must hold every
// step file, in the order the unbundled loader imports them, built from the sources as they are.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module of the step loader, no declarations
import { stepFiles, stepsBundle } from "../../src/steps/bundle.mjs";

const dir = fileURLToPath(new URL("../../src/steps/", import.meta.url));

describe("steps bundle", () => {
  it("imports the hooks, then every step file in name order", () => {
    const steps = readdirSync(dir)
      .filter((f) => f.endsWith(".steps.ts"))
      .sort();
    expect(stepFiles()).toEqual(["hooks.ts", ...steps]);
  });

  it("is built with every step file in it", async () => {
    const out: string | undefined = await stepsBundle();
    expect(out).toMatch(/steps-[0-9a-f]{16}\.mjs$/);
    const text = readFileSync(out as string, "utf8");
    for (const f of stepFiles()) expect(text, f).toContain(`harness/src/steps/${f}`);
  });
});
