// `run --github`: what a GitHub Actions job shows of a run. The Markdown
// summary goes to the job summary ($GITHUB_STEP_SUMMARY), the outcome to the
// step's outputs ($GITHUB_OUTPUT), and failed scenarios become error
// annotations. Everything comes from the run's scrubbed reports, never from
// raw output, so no secret can reach the job page.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { mdFence } from "../report/markdown.js";

/** GitHub refuses job summaries over 1 MiB. */
export const SUMMARY_LIMIT = 1024 * 1024;
/** GitHub shows at most 10 error annotations per step. */
export const ANNOTATION_LIMIT = 10;

export interface RunEnd {
  reportDir: string;
  exitCode: number;
  /** The configuration error, when the run ended before Cucumber (exit 2). */
  error?: string;
}

interface ScenarioVerdict {
  id: string;
  verdict: string;
  requirements?: string[];
  checks?: { id: string; status: string; message?: string; expectation?: string }[];
}

interface CauseEntry {
  requirements: string[];
  check?: string;
  level?: string;
  message: string;
  scenarios: string[];
  variants?: { message: string }[];
}

interface VerdictFile {
  verdict: { outcome?: string; scenarios: ScenarioVerdict[]; causes?: CauseEntry[] };
}

export interface GitHubReport {
  summary: string;
  outputs: Record<string, string>;
  annotations: string[];
}

const HEADLINE: Record<number, string> = {
  2: "configuration error: the suite did not run",
  3: "the target did not start or does not answer MCP `initialize`: the suite did not run",
};

export function githubReport(end: RunEnd): GitHubReport {
  const reportDir = resolve(end.reportDir);
  const verdictPath = join(reportDir, "verdict.json");
  const summaryPath = join(reportDir, "summary.md");
  const outputs: Record<string, string> = { "exit-code": String(end.exitCode), "report-dir": reportDir };
  if (end.exitCode >= 2 || !existsSync(verdictPath)) {
    const headline = HEADLINE[end.exitCode] ?? `the run ended with exit code ${end.exitCode} and no verdict`;
    outputs.outcome = "NOT RUN";
    const detail = end.error
      ? `\n\n${mdFence(end.error.split("\n")).join("\n")}\n`
      : "\n\nSee the job log for the details.\n";
    return {
      summary: `# Auth-headers conformance\n\n**${headline}** (exit code ${end.exitCode}).${detail}`,
      outputs,
      annotations: [annotation(`auth-headers conformance: ${headline}`, end.error ?? "see the job log")],
    };
  }
  const verdict = readVerdict(verdictPath);
  if (!verdict)
    return {
      summary: `# Auth-headers conformance\n\n**${verdictPath} is not a verdict the harness wrote** (exit code ${end.exitCode}).\n`,
      outputs: { ...outputs, outcome: "NOT RUN" },
      annotations: [
        annotation("auth-headers conformance", `${verdictPath} is not a verdict the harness wrote`),
      ],
    };
  outputs.outcome = verdict.outcome ?? (end.exitCode === 0 ? "CONFORMANT" : "NOT CONFORMANT");
  let summary = existsSync(summaryPath)
    ? readFileSync(summaryPath, "utf8")
    : `# Auth-headers conformance\n\n**${outputs.outcome}**\n`;
  const tail = `\n\n_Reports (verdict.json, junit.xml, report.html, …) are in \`${end.reportDir}\` and the run's artifact._\n`;
  if (Buffer.byteLength(summary) + tail.length > SUMMARY_LIMIT) {
    const cut =
      "\n\n… (cut: GitHub job summaries are limited to 1 MiB; the full summary.md is in the reports)\n";
    summary = Buffer.from(summary)
      .subarray(0, SUMMARY_LIMIT - tail.length - cut.length - 4)
      .toString("utf8")
      .replace(/\uFFFD+$/, "");
    summary += cut;
  }
  // One annotation per distinct cause (requirement set and check), not per scenario: twenty
  // scenarios failing for one defect are one annotation naming them.
  const causes = (verdict.causes ?? []).filter((c) => c.level !== "SHOULD");
  let annotations: string[];
  if (causes.length > 0) {
    annotations = causes.slice(0, ANNOTATION_LIMIT).map((c) => {
      const more =
        (c.variants?.length ?? 1) > 1 ? ` (+${(c.variants?.length ?? 1) - 1} other message variant(s))` : "";
      const where = `${c.scenarios.length} scenario(s): ${c.scenarios.slice(0, 3).join(", ")}${c.scenarios.length > 3 ? ", …" : ""}`;
      return annotation(
        `${c.requirements.join(", ")}${c.check ? ` ${c.check}` : ""}`,
        `${c.message}${more}\n${where}`,
      );
    });
    if (causes.length > ANNOTATION_LIMIT)
      annotations.push(
        annotation(
          "auth-headers conformance",
          `${causes.length - ANNOTATION_LIMIT} more cause(s): see the job summary and the reports`,
        ),
      );
    return { summary: summary + tail, outputs, annotations };
  }
  const failed = verdict.scenarios.filter((s) => s.verdict === "fail");
  annotations = failed.slice(0, ANNOTATION_LIMIT).map((s) => {
    const check = s.checks?.find((c) => c.status === "fail");
    const why = check ? `${check.id}: ${check.message ?? check.expectation ?? "failed"}` : "failed";
    return annotation(`${s.id} [${(s.requirements ?? []).join(", ")}]`, why);
  });
  if (failed.length > ANNOTATION_LIMIT)
    annotations.push(
      annotation(
        "auth-headers conformance",
        `${failed.length - ANNOTATION_LIMIT} more failed scenario(s): see the job summary and the reports`,
      ),
    );
  return { summary: summary + tail, outputs, annotations };
}

/** The verdict of verdict.json, or undefined when the file is not one (never a crash: the job still gets its outputs). */
function readVerdict(path: string): VerdictFile["verdict"] | undefined {
  try {
    const v = (JSON.parse(readFileSync(path, "utf8")) as VerdictFile | null)?.verdict;
    return v && Array.isArray(v.scenarios) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A workflow command (`::error title=…::message`), escaped as the runner expects. */
export function annotation(title: string, message: string): string {
  const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  return `::error title=${property(title)}::${data(message)}`;
}

/** Writes the report where the job reads it; `env` is process.env in a job. */
export function publishToGitHub(
  end: RunEnd,
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): GitHubReport {
  const report = githubReport(end);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${report.summary}\n`);
  else print("note: GITHUB_STEP_SUMMARY is not set (not in a GitHub Actions step); no job summary written");
  if (env.GITHUB_OUTPUT)
    appendFileSync(
      env.GITHUB_OUTPUT,
      Object.entries(report.outputs)
        .map(([k, v]) => `${k}=${v.replace(/\n/g, " ")}\n`)
        .join(""),
    );
  for (const a of report.annotations) print(a);
  return report;
}
