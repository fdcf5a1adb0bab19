// Runs the conformance CLI as a child process (as a user would) on the
// clusters of the e2e global setup, and reads back its verdict.json.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterInfo } from "../../src/clusters/types.js";

export interface ScenarioVerdict {
  id: string;
  verdict: "pass" | "fail" | "warning" | "expected-failure" | "partial" | "untestable" | "skipped";
  checks: { id: string; requirements: string[]; status: string; message?: string }[];
  record?: {
    targetEvents: { kind: string; detail: string; logTail?: string }[];
    workarounds: { requirement: string }[];
  };
}

export interface RunResult {
  exitCode: number | null;
  output: string;
  /** The report directory (verdict.json, summary.md, junit.xml, target-logs/). */
  reportDir: string;
  outcome: string;
  conformant: boolean;
  counts: Record<string, number>;
  scenarios: ScenarioVerdict[];
  requirements: { id: string; verdict: string; notes?: string[] }[];
  causes: { requirements: string[]; message: string; scenarios: string[] }[];
}

export function clustersFile(clusters: ClusterInfo[]): string {
  const dir = mkdtempSync(join(tmpdir(), "conformance-clusters-"));
  const path = join(dir, "clusters.json");
  writeFileSync(path, JSON.stringify(clusters), { mode: 0o600 });
  return path;
}

export async function runConformance(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const reportDir = mkdtempSync(join(tmpdir(), "conformance-report-"));
  const child = spawn(
    process.execPath,
    ["harness/bin/auth-headers-conformance.js", "run", "--report-dir", reportDir, ...args],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exitCode = await new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  try {
    const v = JSON.parse(readFileSync(join(reportDir, "verdict.json"), "utf8")) as {
      verdict: Omit<RunResult, "exitCode" | "output" | "reportDir">;
    };
    return { exitCode, output, reportDir, ...v.verdict };
  } catch {
    return {
      exitCode,
      output,
      reportDir,
      outcome: "none",
      conformant: false,
      counts: {},
      scenarios: [],
      requirements: [],
      causes: [],
    };
  }
}
