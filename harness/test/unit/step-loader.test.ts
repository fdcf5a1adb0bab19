// harness/src/steps/load.mjs loads the hooks and every `*.steps.*` file it finds,
// from the sources (a checkout) and from dist/ (the published package): a new
// step file needs no edit there. Shown on a copy of load.mjs beside stand-in
// step files that print their names.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package-root.js";

const LOAD = join(PACKAGE_ROOT, "harness/src/steps/load.mjs");
// Inside the checkout, so that `tsx` resolves from its node_modules.
mkdirSync(join(PACKAGE_ROOT, ".cache"), { recursive: true });
const work = mkdtempSync(join(PACKAGE_ROOT, ".cache", "step-loader-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function standIns(dir: string, names: string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const n of names) writeFileSync(join(dir, n), `process.stdout.write(${JSON.stringify(`${n}\n`)});\n`);
}

function loaded(load: string): string[] {
  return execFileSync(process.execPath, [load], { encoding: "utf8" }).trim().split("\n");
}

describe("the step loader", () => {
  it("names no step file: the folder is the list", () => {
    expect(readFileSync(LOAD, "utf8")).not.toMatch(/["'`]\w+\.steps["'`]/);
  });

  it("from the sources: the hooks, then every *.steps.ts (a new one included), nothing else", () => {
    const steps = join(work, "src", "harness", "src", "steps");
    standIns(steps, ["hooks.ts", "b.steps.ts", "a.steps.ts", "new-one.steps.ts", "dsl.ts", "values.ts"]);
    copyFileSync(LOAD, join(steps, "load.mjs"));
    expect(loaded(join(steps, "load.mjs"))).toEqual([
      "hooks.ts",
      "a.steps.ts",
      "b.steps.ts",
      "new-one.steps.ts",
    ]);
  });

  it("from the package: the compiled hooks and steps of dist/", () => {
    const root = join(work, "pkg");
    standIns(join(root, "dist", "harness", "src", "steps"), [
      "hooks.js",
      "z.steps.js",
      "a.steps.js",
      "dsl.js",
    ]);
    mkdirSync(join(root, "harness", "src", "steps"), { recursive: true });
    copyFileSync(LOAD, join(root, "harness", "src", "steps", "load.mjs"));
    expect(loaded(join(root, "harness", "src", "steps", "load.mjs"))).toEqual([
      "hooks.js",
      "a.steps.js",
      "z.steps.js",
    ]);
  });
});
