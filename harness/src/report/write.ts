// Writes verdict.json and summary.md, and copies Cucumber's reports scrubbed.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { redactAll, type SecretRegistry } from "./redact.js";
import type { Verdict } from "./verdict.js";

export interface VerdictDocument {
  harness: { name: string; version: string; specVersion: string };
  target: { profile: string; command?: string; url?: string; capabilities: string[] };
  startedAt: string;
  finishedAt: string;
  tags?: string;
  verdict: Verdict;
}

export function scrubFile(from: string, to: string, registry: SecretRegistry): void {
  if (!existsSync(from)) return;
  const text = readFileSync(from, "utf8");
  writeFileSync(to, redactAll(text, registry));
}

export function writeReports(dir: string, doc: VerdictDocument, registry: SecretRegistry): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "verdict.json"), redactAll(`${JSON.stringify(doc, null, 2)}\n`, registry));
  writeFileSync(join(dir, "summary.md"), redactAll(summaryMarkdown(doc), registry));
}

const ICON: Record<string, string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  warning: "⚠️ warning",
  "expected-failure": "☑️ expected failure",
  skipped: "⏭️ skipped",
  uncovered: "➖ uncovered",
  "not-run": "· not run",
};

export function summaryMarkdown(doc: VerdictDocument): string {
  const v = doc.verdict;
  const lines: string[] = [];
  lines.push(`# Auth-headers conformance: ${doc.target.profile}`);
  lines.push("");
  lines.push(
    `**Verdict: ${v.conformant ? "CONFORMANT" : "NOT CONFORMANT"}** (spec ${doc.harness.specVersion}, harness ${doc.harness.version})`,
  );
  lines.push("");
  lines.push(
    `Target: \`${doc.target.command ?? doc.target.url ?? "?"}\`; capabilities: ${doc.target.capabilities.join(", ") || "none"}`,
  );
  lines.push("");
  const c = v.counts;
  lines.push(
    `Scenarios: ${c.total} — ${c.pass} passed, ${c.fail} failed, ${c.warning} warnings, ${c["expected-failure"]} expected failures, ${c.skipped} skipped`,
  );
  if (v.problems.length) {
    lines.push("", "## Problems", "");
    for (const p of v.problems) lines.push(`- ${p}`);
  }
  lines.push("", "## Requirements", "", "| id | level | verdict | scenarios |", "|---|---|---|---|");
  for (const r of v.requirements)
    lines.push(`| ${r.id} | ${r.level} | ${ICON[r.verdict] ?? r.verdict} | ${r.scenarios.length} |`);
  const notPassed = v.scenarios.filter((s) => s.verdict !== "pass");
  if (notPassed.length) {
    lines.push("", "## Scenarios not passed", "", "| scenario | verdict | reason |", "|---|---|---|");
    for (const s of notPassed) {
      const reason = (s.message ?? "").split("\n")[0]?.replace(/\|/g, "\\|").slice(0, 200) ?? "";
      lines.push(`| \`${s.id}\` | ${ICON[s.verdict] ?? s.verdict} | ${reason} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function copyScrubbed(
  files: string[],
  fromDir: string,
  toDir: string,
  registry: SecretRegistry,
): void {
  mkdirSync(toDir, { recursive: true });
  for (const f of files) scrubFile(join(fromDir, f), join(toDir, f), registry);
}

/** Writes a file only its owner can read, from the first byte on (also when it already existed). */
export function writePrivate(path: string, content: string): void {
  const fd = openSync(path, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

export { copyFileSync };
