// Writes verdict.json and summary.md, and copies Cucumber's reports scrubbed.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { mdCell, mdCode, mdFence, mdText } from "./markdown.js";
import { redactAll, redactData, type SecretRegistry } from "./redact.js";
import { writeNewFile } from "./report-dir.js";
import type { Verdict } from "./verdict.js";

export interface VerdictDocument {
  harness: { name: string; version: string; specVersion: string };
  target: { profile: string; command?: string; url?: string; capabilities: string[] };
  startedAt: string;
  finishedAt: string;
  tags?: string;
  scenarioGlob?: string;
  verdict: Verdict;
}

/**
 * Copies a file the harness did not render (Cucumber's messages, a target's log), redacted: NDJSON
 * line by line as data (so each line stays JSON), anything else as text.
 */
export function scrubFile(from: string, to: string, registry: SecretRegistry): void {
  if (!existsSync(from)) return;
  const text = readFileSync(from, "utf8");
  writeNewFile(to, from.endsWith(".ndjson") ? redactNdjson(text, registry) : redactAll(text, registry));
}

function redactNdjson(text: string, registry: SecretRegistry): string {
  return text
    .split("\n")
    .map((line) => {
      if (!line.trim()) return line;
      try {
        return JSON.stringify(redactData(JSON.parse(line), registry));
      } catch {
        return redactAll(line, registry);
      }
    })
    .join("\n");
}

/** verdict.json and summary.md, rendered from the redacted document (never redacted after rendering). */
export function writeReports(dir: string, doc: VerdictDocument, registry: SecretRegistry): void {
  mkdirSync(dir, { recursive: true });
  const safe = redactData(doc, registry);
  writeNewFile(join(dir, "verdict.json"), `${JSON.stringify(safe, null, 2)}\n`);
  writeNewFile(join(dir, "summary.md"), summaryMarkdown(safe));
}

export const ICON: Record<string, string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  warning: "⚠️ warning",
  "expected-failure": "☑️ expected failure",
  partial: "◐ partial",
  untestable: "❔ untestable",
  skipped: "⏭️ skipped",
  uncovered: "➖ uncovered",
  "not-run": "· not run",
};

const cell = mdCell;

export function summaryMarkdown(doc: VerdictDocument): string {
  const v = doc.verdict;
  const lines: string[] = [];
  lines.push(`# Auth-headers conformance: ${mdText(doc.target.profile)}`);
  lines.push("");
  lines.push(`**Verdict: ${v.outcome}** (spec ${doc.harness.specVersion}, harness ${doc.harness.version})`);
  lines.push("");
  lines.push(
    `Target: ${mdCode(doc.target.command ?? doc.target.url ?? "?")}; capabilities: ${mdText(doc.target.capabilities.join(", ")) || "none"}` +
      (doc.tags ? `; tags ${mdCode(doc.tags)}` : "") +
      (doc.scenarioGlob ? `; scenarios ${mdCode(doc.scenarioGlob)}` : ""),
  );
  lines.push("");
  const c = v.counts;
  lines.push(
    `Scenarios: ${c.total} — ${c.pass} passed, ${c.fail} failed, ${c.warning} warnings, ${c["expected-failure"]} expected failures, ${c.partial} partial, ${c.untestable} untestable, ${c.skipped} skipped`,
  );
  if (v.outcome === "PARTIAL")
    lines.push(
      "",
      "Nothing failed, but these MUST requirements were not fully judged, so the run is not a conformance claim:",
      "",
      ...v.gaps.map((g) => `- ${mdText(g)}`),
    );
  if (v.outcome === "EXPECTED FAILURES ONLY")
    lines.push(
      "",
      "Every failure is listed in the expected-failures file: the run passes, the provider is not conformant.",
    );
  if (v.causes.length) {
    lines.push(
      "",
      "## Causes",
      "",
      "Distinct failures, each with the requirements it breaks and how many scenarios show it:",
      "",
    );
    for (const cause of v.causes)
      lines.push(
        `- **${mdText(cause.requirements.join(", "))}**${cause.level === "SHOULD" ? " (SHOULD)" : ""}: ${mdText(cause.message)} — ${cause.scenarios.length} scenario(s)${cause.scenarios.length <= 3 ? `: ${cause.scenarios.map(mdCode).join(", ")}` : ""}`,
      );
  }
  const crashes = v.scenarios.flatMap((s) => (s.record?.targetEvents ?? []).map((e) => ({ s, e })));
  if (crashes.length) {
    lines.push("", "## Target crashes", "");
    for (const { s, e } of crashes) {
      lines.push(`- during ${mdCode(s.id)}: ${mdText(e.detail)}`);
      if (e.logTail) lines.push("", ...mdFence(e.logTail.split("\n").slice(-12), "  "), "");
    }
  }
  const others = v.problems.filter((p) => /^(stale|expected failure|no scenario)/.test(p));
  if (others.length) lines.push("", "## Problems", "", ...others.map((p) => `- ${mdText(p)}`));
  lines.push(
    "",
    "## Requirements",
    "",
    "| id | level | verdict | checks (pass / fail / untestable) | scenarios | note |",
    "|---|---|---|---|---|---|",
  );
  for (const r of v.requirements) {
    const k = r.checks;
    lines.push(
      `| ${cell(r.id)} | ${cell(r.level)} | ${ICON[r.verdict] ?? cell(r.verdict)} | ${k.pass} / ${k.fail + k.expected} / ${k.untestable} | ${r.scenarios.length} | ${cell(r.notes?.[0] ?? "")} |`,
    );
  }
  const workarounds = v.scenarios.filter((s) => s.record?.workarounds.length);
  if (workarounds.length) {
    const w = workarounds[0]?.record?.workarounds[0];
    lines.push(
      "",
      "## Workarounds",
      "",
      `${workarounds.length} scenario(s) ran under a workaround for ${mdText(w?.requirement ?? "")}: ${mdText(w?.note ?? "")}.`,
    );
  }
  const notPassed = v.scenarios.filter((s) => s.verdict !== "pass");
  if (notPassed.length) {
    lines.push(
      "",
      "## Scenarios not passed",
      "",
      "| scenario | verdict | checks | reason |",
      "|---|---|---|---|",
    );
    for (const s of notPassed) {
      const failing = s.checks.filter((x) => x.status === "fail");
      const reason = failing.length
        ? failing
            .map(
              (x) =>
                `${x.id} [${x.requirements.join(", ")}]: ${(x.message ?? "").split("\n")[0]}${x.expected ? ` (expected: ${x.expected.reason ?? "listed"})` : ""}`,
            )
            .join("; ")
        : (s.reason ?? s.message ?? "");
      lines.push(
        `| ${cell(mdCode(s.id))} | ${ICON[s.verdict] ?? cell(s.verdict)} | ${failing.length}/${s.checks.length} | ${cell(reason.slice(0, 400))} |`,
      );
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
