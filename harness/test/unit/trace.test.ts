// `list --trace`: every requirement leads to scenarios, every step of them to
// its definition, and the definitions to the checks that judge it.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarios } from "../../src/spec/features.js";
import { classOf, DEFAULT_CLASS, loadRequirements } from "../../src/spec/requirements.js";
import { definitionOf, formatTrace, stepDefinitions, trace } from "../../src/spec/trace.js";

describe("list --trace", () => {
  // the known-clusters class has no scenarios yet (an open gap `list` names); the judged class must trace
  const requirements = loadRequirements().filter((r) => !r.withdrawn && classOf(r) === DEFAULT_CLASS);

  it("traces every requirement to scenarios, defined steps and at least one check", () => {
    const problems: string[] = [];
    for (const r of requirements) {
      const t = trace(r.id);
      if (!t) {
        problems.push(`${r.id}: no trace`);
        continue;
      }
      if (t.scenarios.length === 0) problems.push(`${r.id}: no scenario`);
      for (const s of t.scenarios)
        for (const st of s.steps) if (!st.definition) problems.push(`${s.id}: undefined step "${st.text}"`);
      const checks = t.scenarios.flatMap((s) => s.steps.flatMap((st) => st.definition?.checks ?? []));
      if (checks.length + t.namedBy.length === 0) problems.push(`${r.id}: no check`);
    }
    expect(problems).toEqual([]);
  });

  it("every step definition is used by a scenario (an unused one is dead code nobody judges)", () => {
    const used = new Set(loadScenarios().flatMap((s) => s.steps.map((st) => definitionOf(st.text))));
    const unused = stepDefinitions()
      .filter((d) => !used.has(d))
      .map((d) => `${d.file}:${d.line} "${d.pattern}"`);
    expect(unused).toEqual([]);
  });

  it("names the file and line of the scenario, its steps, their definitions and the checks", () => {
    const text = formatTrace(trace("AH-AUTH-1") as NonNullable<ReturnType<typeof trace>>);
    expect(text).toMatch(/scenario identity\/\S+ {2}features\/auth\/identity\.feature:\d+/);
    expect(text).toMatch(
      /step "a token identity alice on cluster A" {2}features\/auth\/identity\.feature:\d+ → harness\/src\/steps\/setup\.steps\.ts:\d+/,
    );
    expect(text).toMatch(
      /check identity\/\S+#succeeds \[[^\]]+\] {2}harness\/src\/checks\/judgements\.ts:\d+/,
    );
    expect(text).toMatch(/#canary-authorization \[AH-AUTH-1\]/);
  });

  it("finds no definition for a step nobody wrote, and knows the [AH-…] suffix", () => {
    const defs = stepDefinitions();
    expect(definitionOf("the moon answers in binary", defs)).toBeUndefined();
    expect(definitionOf("an MCP session [AH-SRC-2]", defs)).toBe(definitionOf("an MCP session", defs));
    expect(definitionOf("an expired token identity eve on cluster A", defs)?.file).toBe(
      "harness/src/steps/setup.steps.ts",
    );
  });
});

describe("scenario ids", () => {
  // The rule (docs/design.md, "Scenario ids"): <feature file name>/<scenario name in lower case,
  // quotes and backticks dropped, every run of characters other than a-z and 0-9 replaced by one "-",
  // no "-" at either end>.
  const rule = (uri: string, name: string) =>
    `${basename(uri, ".feature")}/${name
      .toLowerCase()
      .replace(/[`'"]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")}`;

  it("are the feature file's name and the scenario's name by the written rule, and unique", () => {
    const scenarios = loadScenarios();
    const off = scenarios
      .filter((s) => s.id !== rule(s.uri, s.name))
      .map((s) => `${s.id} ≠ ${rule(s.uri, s.name)}`);
    expect(off).toEqual([]);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  });
});
