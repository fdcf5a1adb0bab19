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
  scenarioGlob?: string;
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

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function summaryMarkdown(doc: VerdictDocument): string {
  const v = doc.verdict;
  const lines: string[] = [];
  lines.push(`# Auth-headers conformance: ${doc.target.profile}`);
  lines.push("");
  lines.push(`**Verdict: ${v.outcome}** (spec ${doc.harness.specVersion}, harness ${doc.harness.version})`);
  lines.push("");
  lines.push(
    `Target: \`${doc.target.command ?? doc.target.url ?? "?"}\`; capabilities: ${doc.target.capabilities.join(", ") || "none"}` +
      (doc.tags ? `; tags \`${doc.tags}\`` : "") +
      (doc.scenarioGlob ? `; scenarios \`${doc.scenarioGlob}\`` : ""),
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
      ...v.gaps.map((g) => `- ${g}`),
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
        `- **${cause.requirements.join(", ")}**${cause.level === "SHOULD" ? " (SHOULD)" : ""}: ${cause.message} — ${cause.scenarios.length} scenario(s)${cause.scenarios.length <= 3 ? `: ${cause.scenarios.map((x) => `\`${x}\``).join(", ")}` : ""}`,
      );
  }
  const crashes = v.scenarios.flatMap((s) => (s.record?.targetEvents ?? []).map((e) => ({ s, e })));
  if (crashes.length) {
    lines.push("", "## Target crashes", "");
    for (const { s, e } of crashes) {
      lines.push(`- during \`${s.id}\`: ${e.detail}`);
      if (e.logTail)
        lines.push(
          "",
          "  ```",
          ...e.logTail
            .split("\n")
            .slice(-12)
            .map((l) => `  ${l}`),
          "  ```",
          "",
        );
    }
  }
  const others = v.problems.filter((p) => /^(stale|expected failure|no scenario)/.test(p));
  if (others.length) lines.push("", "## Problems", "", ...others.map((p) => `- ${p}`));
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
      `| ${r.id} | ${r.level} | ${ICON[r.verdict] ?? r.verdict} | ${k.pass} / ${k.fail + k.expected} / ${k.untestable} | ${r.scenarios.length} | ${cell(r.notes?.[0] ?? "")} |`,
    );
  }
  const workarounds = v.scenarios.filter((s) => s.record?.workarounds.length);
  if (workarounds.length) {
    const w = workarounds[0]?.record?.workarounds[0];
    lines.push(
      "",
      "## Workarounds",
      "",
      `${workarounds.length} scenario(s) ran under a workaround for ${w?.requirement}: ${w?.note}.`,
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
        `| \`${s.id}\` | ${ICON[s.verdict] ?? s.verdict} | ${failing.length}/${s.checks.length} | ${cell(reason).slice(0, 400)} |`,
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
