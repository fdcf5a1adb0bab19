// Proof that the suite can fail, and fails fairly: for every defect of
// fixtures/defects.yaml the whole suite (the heavy scenarios aside) runs
// against the reference server with exactly that defect, and the set of
// failing requirements must EQUAL the declared one — every requirement the
// defect breaks is caught (recall) and no other requirement fails with it
// (precision: no cascade, no collateral). Combined defects must report every
// cause, and masking combinations must still fail the masked defect's own set on
// the scenarios of that set. The heavy @load/@fault/@fuzz scenarios are proven the
// same way, each only against the defect it is built for. The clean reference passes
// everything in conformance-reference.test.ts.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEFECT_NAMES } from "../../../reference-server/test/faulty/defect-names.js";
import { loadCatalogue } from "../../src/catalogue/defects.js";
import { clustersFile, runConformance } from "./conformance-runs.js";

const catalogue = loadCatalogue();
const entries = Object.entries(catalogue.defects);
const NOT_HEAVY = "not @load and not @fault and not @fuzz";
/** AHC_DEFECTS=a,b runs only these (local iteration); CI runs them all. */
const only = process.env.AHC_DEFECTS?.split(",").filter(Boolean);
const selected = only ? entries.filter(([n]) => only.includes(n)) : entries;

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();

async function expectExactly(defects: string, tags: string, fails: string[], warns: string[]) {
  const r = await runConformance(["--target", "reference-faulty", "--clusters-file", file, "--tags", tags], {
    AUTH_HEADERS_DEFECT: defects,
  });
  expect(r.scenarios.length, r.output.slice(-3000)).toBeGreaterThan(0);
  const got = (v: string) => sorted(r.requirements.filter((q) => q.verdict === v).map((q) => q.id));
  const causes = r.causes.map((c) => `${c.requirements.join(",")}: ${c.message}`).join("\n");
  expect({ fails: got("fail"), warns: got("warning") }, `${defects}: causes\n${causes}`).toEqual({
    fails: sorted(fails),
    warns: sorted(warns),
  });
  if (fails.length) {
    expect(r.exitCode).toBe(1);
    expect(r.outcome).toBe("NOT CONFORMANT");
  }
  return r;
}

describe("defect catalogue", () => {
  it("covers every defect of the faulty entry point, at least 25", () => {
    expect(entries.map(([name]) => name).sort()).toEqual([...DEFECT_NAMES].sort());
    expect(entries.length).toBeGreaterThanOrEqual(25);
    for (const [name, d] of entries) expect(d.fails.length + d.warns.length, name).toBeGreaterThan(0);
  });

  it.each(selected)(
    "%s fails exactly its declared requirements",
    { timeout: 300_000 },
    async (defect, entry) => {
      await expectExactly(defect, NOT_HEAVY, entry.fails, entry.warns);
    },
  );

  it.each(catalogue.combinations.map((c) => [c.defects.join(","), c] as const))(
    "combined %s reports every cause",
    { timeout: 300_000 },
    async (defects, entry) => {
      const r = await expectExactly(defects, NOT_HEAVY, entry.fails, entry.warns);
      for (const d of entry.defects) {
        const own = catalogue.defects[d]?.fails ?? [];
        for (const req of own)
          expect(
            r.causes.some((c) => c.requirements.includes(req)),
            `${req} of ${d} among the causes`,
          ).toBe(true);
      }
    },
  );

  // Masking (issue 17): a defect combined with a broken identity (bearer-bearer) or a refused
  // header-less initialize must still fail its own set. Each runs only the scenarios of its
  // own set's requirements (the whole suite for 30-odd combinations would not fit CI's time),
  // so the masking defect's own requirement fails only where those scenarios judge it: the
  // run must fail nothing outside the union. What the suite cannot see yet under a
  // combination is declared in `masked` (and collateral in `cascades`): a known gap, held like
  // an expected failure, whose stale entries fail. CI runs the combinations of MASKING_IN_CI;
  // AHC_MASKING=all runs every one (about 12 min on 2 cores).
  const MASKING = new Set(["bearer-bearer", "require-headers-on-initialize"]);
  const MASKING_IN_CI = new Set([
    "dial-before-validate",
    "first-of-duplicate-header-lines",
    "lenient-insecure-flag",
    "skip-tls-verify",
    "meta-fallback-headers",
    // the judgements that need no successful call: refused unserved (AH-HDR-8), the other
    // tenant timed on a refused credential (AH-NET-5)
    "drop-excess-headers",
    "no-value-size-limit",
    // a TLS failure of the scenario's own CA bundle, not hidden by the broken identity (AH-TLS-2)
    "first-ca-only",
  ]);
  const all = process.env.AHC_MASKING === "all";
  const masked = catalogue.maskingCombinations
    .map((c) => [c.defects.join(","), c] as const)
    .filter(([, c]) =>
      c.defects.some((d) => !MASKING.has(d) && (only ? only.includes(d) : all || MASKING_IN_CI.has(d))),
    );
  it.each(masked)("masked %s still fails its own set", { timeout: 300_000 }, async (defects, entry) => {
    const own = sorted(
      entry.defects.filter((d) => !MASKING.has(d)).flatMap((d) => catalogue.defects[d]?.fails ?? []),
    );
    const tags = `(${own.map((r) => `@${r}`).join(" or ")}) and ${NOT_HEAVY}`;
    const r = await runConformance(
      ["--target", "reference-faulty", "--clusters-file", file, "--tags", tags],
      {
        AUTH_HEADERS_DEFECT: defects,
      },
    );
    expect(r.scenarios.length, r.output.slice(-3000)).toBeGreaterThan(0);
    const fails = sorted(r.requirements.filter((q) => q.verdict === "fail").map((q) => q.id));
    const causes = r.causes.map((c) => `${c.requirements.join(",")}: ${c.message}`).join("\n");
    expect(
      {
        missed: own.filter((q) => !entry.masked.includes(q) && !fails.includes(q)),
        staleMasked: entry.masked.filter((q) => fails.includes(q)),
        collateral: fails.filter((q) => !entry.fails.includes(q) && !entry.cascades.includes(q)),
        staleCascades: entry.cascades.filter((q) => !fails.includes(q)),
      },
      `${defects}: failed [${fails.join(", ")}]; causes\n${causes}`,
    ).toEqual({ missed: [], staleMasked: [], collateral: [], staleCascades: [] });
  });

  it.each(catalogue.heavy.map((h) => [`${h.defect} ${h.tags}`, h] as const))(
    "heavy scenario fails exactly its declared requirements under its defect: %s",
    { timeout: 300_000 },
    async (_label, entry) => {
      await expectExactly(entry.defect, entry.tags, entry.fails, entry.warns);
    },
  );
});
