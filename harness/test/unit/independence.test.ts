// The harness must not share the reference server's validation (a shared
// validator would hide the very bugs the harness exists to find): the only
// file of reference-server/ that harness code may import is the wire
// constants. The benchmark is exempt: it starts the reference server to
// measure it, and judges nothing.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ALLOWED = "reference-server/src/wire/constants";
const EXEMPT = ["harness/src/bench/"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts|mjs|js)$/.test(f) ? [p] : [];
  });
}

function referenceImports(file: string, text = readFileSync(file, "utf8")): string[] {
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => relative(process.cwd(), resolve(join(file, ".."), s)).replace(/\.(js|ts)$/, ""))
    .filter((p) => p.startsWith("reference-server/"));
}

describe("harness independence", () => {
  const sources = files("harness/src").filter((f) => !EXEMPT.some((e) => f.startsWith(e)));

  it("scans the harness sources", () => {
    expect(sources.length).toBeGreaterThan(30);
  });

  it("imports nothing from reference-server/ but the wire constants", () => {
    const offending = sources.flatMap((f) =>
      referenceImports(f)
        .filter((p) => p !== ALLOWED)
        .map((p) => `${f} → ${p}`),
    );
    expect(offending).toEqual([]);
  });

  it("would notice an import of the server's validator (the check can fail)", () => {
    const text = `import { validate } from "../../../reference-server/src/request/validate.js";\nimport { HEADER } from "../../../reference-server/src/wire/constants.js";`;
    const found = referenceImports("harness/src/steps/hooks.ts", text);
    expect(found).toEqual(["reference-server/src/request/validate", ALLOWED]);
    expect(found.filter((p) => p !== ALLOWED)).toEqual(["reference-server/src/request/validate"]);
  });

  it("is the rule docs/design.md states: the one allowed file, the one exempt folder", () => {
    const design = readFileSync("docs/design.md", "utf8");
    const section = design.slice(design.indexOf("## Why the harness never imports"));
    const rule = section.slice(0, section.indexOf("\n## ", 4)).replace(/\s+/g, " ");
    expect(rule).toContain(
      "Code under `harness/src/` may import exactly one file of `reference-server/`: `src/wire/constants.ts`",
    );
    expect(EXEMPT).toEqual(["harness/src/bench/"]);
    expect(rule).toContain("with one exemption: `harness/src/bench/`");
  });
});
