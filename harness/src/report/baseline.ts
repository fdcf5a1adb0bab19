// --write-baseline: today's failures as an expected-failures file, so a
// provider can adopt the suite at once and shrink the list (stale entries fail
// the run) as it fixes things.
import { stringify } from "yaml";
import { redactData, type SecretRegistry } from "./redact.js";
import { writeUserFile } from "./report-dir.js";
import type { Verdict } from "./verdict.js";

export function baselineEntries(v: Verdict): { id: string; reason: string }[] {
  return v.scenarios
    .filter((s) => s.verdict === "fail" || s.verdict === "warning" || s.verdict === "expected-failure")
    .map((s) => {
      const first = s.checks.find((c) => c.status === "fail");
      const reqs = [...new Set(s.checks.filter((c) => c.status === "fail").flatMap((c) => c.requirements))];
      return {
        id: s.id,
        reason: `${reqs.join(", ")}: ${(first?.message ?? "").split("\n")[0]?.slice(0, 160)}`,
      };
    });
}

/** Writes the file and answers how many entries it holds. */
export function writeBaseline(path: string, v: Verdict, registry: SecretRegistry): number {
  const entries = baselineEntries(v);
  const header =
    "# Expected failures written by `auth-headers-conformance run --write-baseline`.\n" +
    "# An entry that passes later is stale and fails the run: delete it then.\n";
  const safe = redactData(entries, registry);
  writeUserFile(path, `${header}${safe.length ? stringify(safe) : "[]\n"}`);
  return entries.length;
}
