// docs/defects.md shows fixtures/defects.yaml: regenerate with `npm run docs:defects`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalogue, withCatalogue } from "../../src/catalogue/defects.js";
import { loadRequirements } from "../../src/spec/requirements.js";

describe("defect catalogue", () => {
  const catalogue = loadCatalogue();

  it("is what docs/defects.md shows", () => {
    const doc = readFileSync("docs/defects.md", "utf8");
    expect(doc).toBe(withCatalogue(doc, catalogue));
  });

  it("names only requirements of docs/spec.md, SHOULDs as warnings and MUSTs as failures", () => {
    const reqs = new Map(loadRequirements().map((r) => [r.id, r.level]));
    const all = [
      ...Object.values(catalogue.defects),
      ...catalogue.combinations,
      ...catalogue.maskingCombinations,
      ...catalogue.heavy,
    ];
    for (const d of all) {
      for (const id of d.fails) expect(reqs.get(id), id).toBe("MUST");
      for (const id of d.warns) expect(reqs.get(id), id).toBe("SHOULD");
    }
  });

  it("combines only defects it knows", () => {
    for (const c of catalogue.combinations)
      for (const d of c.defects) expect(catalogue.defects[d], d).toBeDefined();
    for (const h of catalogue.heavy) expect(catalogue.defects[h.defect], h.defect).toBeDefined();
  });

  it("masks nothing: each masking combination declares every defect's own set plus the masking one's", () => {
    const ids = new Set(
      Object.entries(catalogue.defects)
        .filter(([, d]) => d.fails.some((r) => /^AH-(HDR|NET|SRC|TLS)-/.test(r)))
        .map(([n]) => n),
    );
    const withBearer = new Set(
      catalogue.maskingCombinations
        .filter((c) => c.defects.includes("bearer-bearer"))
        .flatMap((c) => c.defects),
    );
    for (const n of ids)
      if (n !== "bearer-bearer") expect(withBearer.has(n), `${n} + bearer-bearer`).toBe(true);
    for (const c of catalogue.maskingCombinations) {
      const union = new Set(c.defects.flatMap((d) => catalogue.defects[d]?.fails ?? [`unknown defect ${d}`]));
      expect([...c.fails].sort(), c.defects.join(",")).toEqual([...union].sort());
    }
  });
});
