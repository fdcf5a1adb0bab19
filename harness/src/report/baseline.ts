// --write-baseline: today's failures as an expected-failures file, so a
// provider can adopt the suite at once and shrink the list (stale entries fail
// the run) as it fixes things. Entries name checks, not scenarios: a scenario
// entry would also cover every check that starts failing in it later, and a
// baseline must not hide a new failure. `requirement` level is the coarser,
// opt-in alternative (one entry per failing requirement, every failing check in
// its reason).
import { stringify } from "yaml";
import { redactData, type SecretRegistry } from "./redact.js";
import { writeUserFile } from "./report-dir.js";
import type { Verdict } from "./verdict.js";

export const BASELINE_LEVELS = ["check", "requirement"] as const;
export type BaselineLevel = (typeof BASELINE_LEVELS)[number];

const firstLine = (m: string | undefined) => (m ?? "").split("\n")[0]?.slice(0, 160) ?? "";

function failingChecks(v: Verdict) {
  return v.scenarios.flatMap((s) =>
    s.checks.filter((c) => c.status === "fail").map((c) => ({ scenario: s.id, check: c })),
  );
}

export function baselineEntries(
  v: Verdict,
  level: BaselineLevel = "check",
): { id: string; reason: string }[] {
  const failing = failingChecks(v);
  if (level === "check")
    return failing.map(({ scenario, check }) => ({
      id: `${scenario}#${check.id}`,
      reason: `${check.requirements.join(", ")}: ${firstLine(check.message ?? check.expectation)}`,
    }));
  // A requirement entry covers a failing check only when all of the check's requirements are
  // listed (expected-failures.ts), so every requirement of every failing check is listed.
  const byReq = new Map<string, string[]>();
  for (const { scenario, check } of failing)
    for (const r of check.requirements) {
      const lines = byReq.get(r) ?? [];
      lines.push(`${scenario}#${check.id}: ${firstLine(check.message ?? check.expectation)}`);
      byReq.set(r, lines);
    }
  return [...byReq.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, lines]) => ({ id, reason: lines.join("\n") }));
}

/** Writes the file and answers how many entries it holds. */
export function writeBaseline(
  path: string,
  v: Verdict,
  registry: SecretRegistry,
  level: BaselineLevel = "check",
): number {
  const entries = baselineEntries(v, level);
  const header =
    "# Expected failures written by `auth-headers-conformance run --write-baseline`" +
    (level === "check" ? ", one entry per failing check" : ", one entry per failing requirement") +
    ".\n# An entry that passes later is stale and fails the run: delete it then.\n";
  const safe = redactData(entries, registry);
  writeUserFile(path, `${header}${safe.length ? stringify(safe) : "[]\n"}`);
  return entries.length;
}
