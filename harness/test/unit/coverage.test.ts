// Every normative sentence of docs/spec.md has an entry in fixtures/coverage.yaml naming
// scenarios and defects that exist (or an honest gap), and docs/coverage.md shows it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/catalogue/defects.js";
import {
  coverage,
  loadCoverage,
  normativeSentences,
  sentencesOf,
  withCoverage,
} from "../../src/spec/coverage.js";
import { loadScenarios } from "../../src/spec/features.js";
import { parseRequirements } from "../../src/spec/requirements.js";

describe("sentence coverage of docs/spec.md", () => {
  const report = coverage();

  it("has exactly one valid entry for every normative sentence", () => {
    expect(report.problems).toEqual([]);
    expect(report.rows.length).toBe(normativeSentences().length);
  });

  it("is what docs/coverage.md shows", () => {
    const doc = readFileSync("docs/coverage.md", "utf8");
    expect(doc).toBe(withCoverage(doc, report));
  });

  it("splits sentences at their ends, not at e.g.", () => {
    expect(sentencesOf("A MUST b (e.g. c). D SHOULD e. `f` is g.")).toEqual([
      "A MUST b (e.g. c).",
      "D SHOULD e.",
      "`f` is g.",
    ]);
  });

  const spec = "- **AH-X-1** A MUST be. B is.\n- **AH-X-2** C is only.\n- **AH-X-3** *Withdrawn* D MUST.\n";
  const sentences = normativeSentences(parseRequirements(spec));
  const catalogue = loadCatalogue();
  const ids = loadScenarios().map((s) => s.id);
  const scenario = ids[0] as string;

  it("a sentence without an entry, a missing scenario, an unknown or undeclared defect, a stray entry: each is a problem", () => {
    expect(sentences.map((s) => s.sentence)).toEqual(["A MUST be.", "C is only."]);
    const problems = (file: Parameters<typeof coverage>[0]) =>
      coverage(file, sentences, catalogue, ids).problems;
    const ok = { "AH-X-2": [{ sentence: "C is only", gap: "nothing breaks it yet" }] };
    expect(
      problems({
        ...ok,
        "AH-X-1": [{ sentence: "A MUST be", scenarios: ["nope/*"], defects: ["bearer-bearer"] }],
      }),
    ).toEqual([
      'AH-X-1: scenario pattern "nope/*" matches no scenario',
      'AH-X-1: defect "bearer-bearer" does not declare AH-X-1 in fixtures/defects.yaml',
    ]);
    expect(problems(ok)).toEqual(['AH-X-1: no entry in fixtures/coverage.yaml for "A MUST be."']);
    expect(
      problems({
        ...ok,
        "AH-X-1": [{ sentence: "A MUST be", scenarios: [scenario], defects: ["no-such-defect"] }],
      }),
    ).toEqual(['AH-X-1: unknown defect "no-such-defect"']);
    expect(
      problems({
        ...ok,
        "AH-X-1": [
          { sentence: "A MUST be", gap: "not yet written" },
          { sentence: "Z is", gap: "stray entry" },
        ],
      }),
    ).toEqual(['AH-X-1: entry "Z is" matches no normative sentence of that requirement']);
  });

  it("lists gaps as gaps: a gap row names no scenario and no defect", () => {
    const file = loadCoverage();
    for (const r of report.rows) {
      if (r.gap) expect(r.scenarios.length + r.defects.length).toBe(0);
      else expect(r.scenarios.length, `${r.id}: ${r.sentence}`).toBeGreaterThan(0);
    }
    expect(Object.keys(file).length).toBeGreaterThan(40);
  });
});
