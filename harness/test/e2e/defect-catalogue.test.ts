// Proof that the suite can fail: for every defect of fixtures/defects.yaml the
// scenarios aimed at it run against the reference server with exactly that
// defect, and each scenario the catalogue names must fail (or warn, for
// SHOULD requirements). The heavy @load/@fault/@fuzz scenarios are proven the
// same way, each only against the defect it is built for. The clean reference
// passes everything in conformance-reference.test.ts.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { DEFECT_NAMES } from "../../../reference-server/test/faulty/defect-names.js";
import { clustersFile, runConformance } from "./conformance-runs.js";

interface Entry {
  tags: string;
  catches?: string[];
  warns?: string[];
}
const catalogue = parse(readFileSync("fixtures/defects.yaml", "utf8")) as {
  defects: Record<string, Entry>;
  heavy: (Entry & { defect: string })[];
};
const entries = Object.entries(catalogue.defects);
const heavy = catalogue.heavy.map((h) => [`${h.defect} ${h.tags}`, h] as const);
const NOT_HEAVY = "not @load and not @fault and not @fuzz";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

async function expectCaught(defect: string, entry: Entry, tags: string) {
  const r = await runConformance(
    ["--target", "reference-faulty", "--clusters-file", file, "--tags", tags, "--parallel", "2"],
    { AUTH_HEADERS_DEFECT: defect },
  );
  const byId = new Map(r.scenarios.map((s) => [s.id, s.verdict]));
  expect(r.scenarios.length, r.output.slice(-3000)).toBeGreaterThan(0);
  for (const id of entry.catches ?? []) {
    expect(byId.has(id), `catalogue names unknown scenario ${id}`).toBe(true);
    expect(byId.get(id), `${id} under ${defect}`).toBe("fail");
  }
  for (const id of entry.warns ?? []) {
    expect(byId.has(id), `catalogue names unknown scenario ${id}`).toBe(true);
    expect(byId.get(id), `${id} under ${defect}`).toBe("warning");
  }
  if (entry.catches?.length) {
    expect(r.exitCode).toBe(1);
    expect(r.conformant).toBe(false);
  }
}

describe("defect catalogue", () => {
  it("covers every defect of the faulty entry point, at least 15", () => {
    expect(entries.map(([name]) => name).sort()).toEqual([...DEFECT_NAMES].sort());
    expect(entries.length).toBeGreaterThanOrEqual(15);
  });

  it.each(entries)(
    "%s is caught by the scenarios aimed at it",
    { timeout: 240_000 },
    async (defect, entry) => {
      await expectCaught(defect, entry, `(${entry.tags}) and ${NOT_HEAVY}`);
    },
  );

  it.each(heavy)("heavy scenario fails under its defect: %s", { timeout: 300_000 }, async (_label, entry) => {
    await expectCaught(entry.defect, entry, entry.tags);
  });
});
