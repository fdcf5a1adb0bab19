// The cluster-switching answer: every situation is backed by scenarios that
// exist in features/ (a renamed scenario fails here, not silently on the
// page), and the observed outcome follows the scenarios' verdicts.
import { describe, expect, it } from "vitest";
import { SITUATIONS, switchingAnswer } from "../../src/report/switching.js";
import { loadScenarios } from "../../src/spec/features.js";
import { sampleDoc } from "./helpers/report-sample.js";

describe("switching situations", () => {
  it("map to scenario ids that exist in features/", () => {
    const ids = new Set(loadScenarios().map((s) => s.id));
    const missing = SITUATIONS.flatMap((s) =>
      s.scenarios.filter((id) => !ids.has(id)).map((id) => `${s.key}: ${id}`),
    );
    expect(missing).toEqual([]);
  });

  it("cover the situations the proposal's open question asks about, each once", () => {
    const keys = SITUATIONS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of [
      "sw-stateful",
      "sw-stateless",
      "sw-stdio",
      "sw-meta",
      "sw-concurrent",
      "sw-bad-credential",
      "sw-missing-tuple",
      "sw-other-ca",
      "sw-initialize",
    ])
      expect(keys).toContain(k);
  });

  it("reports what was observed, per situation", () => {
    const answer = switchingAnswer(sampleDoc().verdict);
    const row = (k: string) => answer.rows.find((r) => r.key === k);
    expect(row("sw-stateful")?.outcome).toBe("broken");
    expect(row("sw-stateful")?.evidence[0]?.observed).toBe(
      "A/alice → names A; audit: mallory@A (A's audit log: nothing from alice), B/bob → names B",
    );
    expect(row("sw-stateful")?.evidence[0]?.why).toMatch(/^audit-alice-on-A: /);
    expect(row("sw-stdio")?.outcome).toBe("not-run");
    expect(row("sw-stdio")?.evidence[0]?.verdict).toBe("skipped");
    expect(row("sw-other-ca")?.outcome).toBe("not-run");
    expect(answer.summary).toMatch(/^Switching clusters is NOT safe with this provider: 1 of \d+ situations/);
  });
});
