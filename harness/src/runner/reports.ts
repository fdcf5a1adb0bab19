// From Cucumber's messages to the reports: verdict and causes from the
// checks, then verdict.json, summary.md, junit.xml, report.html and the
// instances' logs, every one scrubbed of the run's secrets.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeBaseline } from "../report/baseline.js";
import { writeJunit } from "../report/junit.js";
import { parseNdjson, scenarioResults } from "../report/messages.js";
import type { SecretRegistry } from "../report/redact.js";
import { prepareReportDir } from "../report/report-dir.js";
import { computeVerdict, type Verdict } from "../report/verdict.js";
import { copyScrubbed, writeReports } from "../report/write.js";
import { loadSpecVersion } from "../spec/requirements.js";
import type { RunPlan } from "./plan.js";

export interface RunFacts {
  harnessVersion: string;
  startedAt: string;
  /** The command the probe started (none under --target-url). */
  command?: string;
  messagesFile: string;
  outDir: string;
  targetLogDir: string;
}

export async function writeRunReports(
  plan: RunPlan,
  facts: RunFacts,
  registry: SecretRegistry,
  log: (line: string) => void,
): Promise<Verdict> {
  const envelopes = parseNdjson(readFileSync(facts.messagesFile, "utf8"));
  const verdict = computeVerdict(
    scenarioResults(envelopes),
    plan.requirements,
    plan.expected,
    plan.scenarios,
  );
  const reportDir = plan.reportDir;
  const foreign = prepareReportDir(reportDir);
  if (foreign.length)
    log(`note: ${reportDir} also holds ${foreign.join(", ")} (not written by this run; left as they are)`);
  copyScrubbed(["messages.ndjson", "cucumber.html"], facts.outDir, reportDir, registry);
  copyTargetLogs(facts.targetLogDir, join(reportDir, "target-logs"), registry);
  const doc = {
    harness: {
      name: "auth-headers-conformance",
      version: facts.harnessVersion,
      specVersion: loadSpecVersion(),
    },
    target: {
      profile: plan.profile.name,
      command: plan.target.url ? undefined : (facts.command ?? plan.profile.target.command),
      url: plan.target.url,
      capabilities: plan.profile.capabilities,
    },
    startedAt: facts.startedAt,
    finishedAt: new Date().toISOString(),
    tags: plan.tags,
    scenarioGlob: plan.scenarioGlob,
    verdict,
  };
  writeReports(reportDir, doc, registry);
  writeJunit(join(reportDir, "junit.xml"), doc, registry);
  (await import("../report/page/write.js")).writeReportPage(reportDir, doc, registry);
  if (plan.writeBaseline) {
    const n = writeBaseline(plan.writeBaseline, verdict, registry, plan.baselineLevel);
    log(`baseline of ${n} expected failure(s) written to ${plan.writeBaseline}`);
  }
  return verdict;
}

/** The output of every instance of the target, redacted, next to the reports. */
function copyTargetLogs(from: string, to: string, registry: SecretRegistry): void {
  if (!existsSync(from)) return;
  const files = readdirSync(from).filter((f) => f.endsWith(".log"));
  if (files.length === 0) return;
  copyScrubbed(files, from, to, registry);
}
