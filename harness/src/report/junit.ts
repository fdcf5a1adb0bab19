// JUnit XML written from the verdict (not Cucumber's formatter), so CI shows
// what summary.md shows: test names are scenario ids (what expected-failures
// files and --scenario use), requirement ids are properties, skipped and
// untestable scenarios carry their reason, expected failures their entry's.
import { redactData, type SecretRegistry } from "./redact.js";
import { writeNewFile } from "./report-dir.js";
import type { ScenarioEntry } from "./verdict.js";
import type { VerdictDocument } from "./write.js";

// XML 1.0 cannot carry most control characters, U+FFFE, U+FFFF or a lone surrogate, even escaped.
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const esc = (s: string) =>
  s
    .replace(XML_INVALID, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

function failureText(s: ScenarioEntry, expected: boolean): string {
  return s.checks
    .filter((c) => c.status === "fail" && !!c.expected === expected)
    .map((c) => `${c.id} [${c.requirements.join(", ")}] ${c.expectation}: ${c.message ?? ""}`)
    .join("\n");
}

function testcase(s: ScenarioEntry): string {
  const classname = s.uri
    .replace(/^features\//, "")
    .replace(/\.feature$/, "")
    .replace(/\//g, ".");
  const attrs = `name="${esc(s.id)}" classname="${esc(classname)}" file="${esc(s.uri)}"${s.line ? ` line="${s.line}"` : ""} time="${((s.durationMs ?? 0) / 1000).toFixed(3)}"`;
  const props = [
    `<property name="requirements" value="${esc(s.requirements.join(" "))}"/>`,
    `<property name="verdict" value="${esc(s.verdict)}"/>`,
    `<property name="level" value="${esc(s.level)}"/>`,
  ];
  const body: string[] = [`<properties>${props.join("")}</properties>`];
  switch (s.verdict) {
    case "fail": {
      const text = failureText(s, false);
      body.push(`<failure message="${esc(text.split("\n")[0] ?? "")}" type="check">${esc(text)}</failure>`);
      break;
    }
    case "expected-failure": {
      const reasons = [
        ...new Set(s.checks.filter((c) => c.expected).map((c) => c.expected?.reason ?? "listed")),
      ];
      body.push(`<skipped message="${esc(`expected failure: ${reasons.join("; ")}`)}"/>`);
      body.push(`<system-out>${esc(failureText(s, true))}</system-out>`);
      break;
    }
    case "skipped":
    case "untestable":
      body.push(`<skipped message="${esc(`${s.verdict}: ${s.reason ?? ""}`)}"/>`);
      break;
    case "warning":
      body.push(`<system-out>${esc(`warning (SHOULD): ${failureText(s, false)}`)}</system-out>`);
      break;
    case "partial":
      body.push(`<system-out>${esc(`partial: ${s.reason ?? ""}`)}</system-out>`);
      break;
    default:
      break;
  }
  return `    <testcase ${attrs}>\n      ${body.join("\n      ")}\n    </testcase>`;
}

export function junitXml(doc: VerdictDocument): string {
  const v = doc.verdict;
  const byFile = new Map<string, ScenarioEntry[]>();
  for (const s of v.scenarios) byFile.set(s.uri, [...(byFile.get(s.uri) ?? []), s]);
  const suites = [...byFile].map(([uri, list]) => {
    const failures = list.filter((s) => s.verdict === "fail").length;
    const skipped = list.filter((s) =>
      ["skipped", "untestable", "expected-failure"].includes(s.verdict),
    ).length;
    const time = list.reduce((t, s) => t + (s.durationMs ?? 0), 0) / 1000;
    return `  <testsuite name="${esc(uri)}" tests="${list.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n${list.map(testcase).join("\n")}\n  </testsuite>`;
  });
  const c = v.counts;
  const total = c.total;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="auth-headers-conformance ${esc(doc.target.profile)}: ${esc(v.outcome)}" tests="${total}" failures="${c.fail}" errors="0" skipped="${c.skipped + c.untestable + c["expected-failure"]}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** Rendered from the redacted document (never redacted after rendering). */
export function writeJunit(path: string, doc: VerdictDocument, registry: SecretRegistry): void {
  writeNewFile(path, junitXml(redactData(doc, registry)));
}
