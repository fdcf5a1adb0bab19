// The lines a person reads at the end of a run: outcome and counts, the
// distinct causes, stale expected failures, and what was not fully judged.
import { redactAll, type SecretRegistry } from "../report/redact.js";
import type { Verdict } from "../report/verdict.js";

export function logSummary(
  verdict: Verdict,
  registry: SecretRegistry,
  reportDir: string,
  log: (l: string) => void,
) {
  const c = verdict.counts;
  log(
    `\n${verdict.outcome}: ${c.pass} passed, ${c.fail} failed, ${c.warning} warnings, ${c["expected-failure"]} expected failures, ${c.partial} partial, ${c.untestable} untestable, ${c.skipped} skipped`,
  );
  if (verdict.causes.length) log(`causes (${verdict.causes.length}):`);
  for (const cause of verdict.causes.slice(0, 15))
    log(
      `  - ${cause.scenarios.length} scenario(s): ${redactAll(cause.message, registry)} — ${cause.requirements.join(", ")}${cause.level === "SHOULD" ? " (SHOULD)" : ""}`,
    );
  for (const p of verdict.problems.filter((p) => /^(stale|expected|no scenario)/.test(p)))
    log(`  - ${redactAll(p, registry)}`);
  if (verdict.outcome === "PARTIAL")
    for (const g of verdict.gaps.slice(0, 10)) log(`  - not fully judged: ${redactAll(g, registry)}`);
  log(`reports in ${reportDir}`);
}
