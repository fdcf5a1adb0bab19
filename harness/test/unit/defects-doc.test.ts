// docs/defects.md shows fixtures/defects.yaml: regenerate with `npm run docs:defects`.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFECT_NAMES } from "../../../reference-server/test/faulty/catalogue.js";
import { spawnServer } from "../../../reference-server/test/unit/helpers/spawn.js";
import { loadCatalogue, withCatalogue } from "../../src/catalogue/defects.js";
import { loadRequirements } from "../../src/spec/requirements.js";
import { probeMcp } from "../../src/target/process.js";

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

  it("is restated nowhere else: no other doc has a row per defect", () => {
    const docs = ["README.md", ...readdirSync("docs").map((f) => `docs/${f}`)].filter(
      (f) => f.endsWith(".md") && f !== "docs/defects.md",
    );
    const rows = docs.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .filter((l) => Object.keys(catalogue.defects).some((d) => l.startsWith(`| \`${d}\` |`)))
        .map((l) => `${f}: ${l.slice(0, 60)}`),
    );
    expect(rows).toEqual([]);
  });

  it("require-headers-on-initialize passes the start-up probe (its refusal is a JSON-RPC answer), as the docs say", async () => {
    const faulty = await spawnServer("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "require-headers-on-initialize",
    });
    try {
      expect(await probeMcp(faulty.url)).toBeUndefined();
      // the probe can fail: a port that answers nothing like MCP
      expect(await probeMcp(`${new URL(faulty.url).origin}/not-mcp`)).toMatch(
        /^initialize answered HTTP 404/,
      );
    } finally {
      await faulty.stop();
    }
    for (const f of ["docs/reference-server.md", "docs/defects.md", "docs/usage.md"])
      expect(readFileSync(f, "utf8"), f).not.toMatch(/fail\w* the (harness's )?start-up probe/);
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
