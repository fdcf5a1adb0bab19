// docs/defects.md shows fixtures/defects.yaml: regenerate with `npm run docs:defects`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFECT_NAMES } from "../../../reference-server/test/faulty/catalogue.js";
import { loadCatalogue, withCatalogue } from "../../src/catalogue/defects.js";
import { loadRequirements } from "../../src/spec/requirements.js";

describe("defect catalogue", () => {
  const catalogue = loadCatalogue();

  it("is what docs/defects.md shows", () => {
    const doc = readFileSync("docs/defects.md", "utf8");
    expect(doc).toBe(withCatalogue(doc, catalogue));
  });

  it("names exactly the defects of the faulty entry point (the YAML is their source)", () => {
    const yaml = Object.keys(catalogue.defects);
    expect(yaml.length).toBeGreaterThanOrEqual(25);
    expect({
      "in the code, not in fixtures/defects.yaml": DEFECT_NAMES.filter((n) => !yaml.includes(n)),
      "in fixtures/defects.yaml, not in the code": yaml.filter(
        (n) => !(DEFECT_NAMES as readonly string[]).includes(n),
      ),
    }).toEqual({
      "in the code, not in fixtures/defects.yaml": [],
      "in fixtures/defects.yaml, not in the code": [],
    });
  });

  it("names only requirements of docs/spec.md, SHOULDs as warnings and MUSTs as failures", () => {
    const reqs = new Map(loadRequirements().map((r) => [r.id, r.level]));
    const all = [...Object.values(catalogue.defects), ...catalogue.combinations, ...catalogue.heavy];
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
});
