// The comparison as Markdown, for a pull-request comment: verdict changes
// first, then the calls that behaved differently (capped, the HTML has all).
import { mdCode } from "../markdown.js";
import { ICON } from "../write.js";
import type { CallChange, CallFacts, ChangeKind, Comparison } from "./diff.js";

const MAX_SCENARIOS = 60;
const MAX_CALLS = 60;

/** A table cell: no pipes, no line breaks, no HTML (a PR comment renders tags). */
export const mdCell = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ")
    .slice(0, 300);

export const KIND_LABEL: Record<ChangeKind, string> = {
  regression: "🔻 regression",
  improvement: "🔺 improvement",
  coverage: "↔ coverage",
  change: "≠ changed",
};

const v = (verdict: string) => ICON[verdict] ?? mdCell(String(verdict));
/** An id as inline code: whatever the file holds, it cannot end the span, the cell or the line. */
const id = (s: string) => mdCell(mdCode(String(s)));

export function factsText(f: CallFacts | undefined): string {
  if (!f) return "(no such call)";
  const audit = f.audit.length ? `audit: ${f.audit.join(", ")}` : "audit: none";
  return `${f.answer}; ${audit}`;
}

export function headline(c: Comparison): string {
  const changed = c.requirements.length + c.scenarios.length + c.calls.length;
  if (changed === 0) return "No requirement, scenario or call changed.";
  const reg = (k: ChangeKind) => ({
    r: c.requirements.filter((x) => x.kind === k).length,
    s: c.scenarios.filter((x) => x.kind === k).length,
  });
  const r = reg("regression");
  const i = reg("improvement");
  const parts = [
    r.r || r.s ? `${r.r} requirement(s) and ${r.s} scenario(s) regressed` : "no regression",
    i.r || i.s ? `${i.r} requirement(s) and ${i.s} scenario(s) improved` : "",
    c.calls.length ? `${c.calls.length} call(s) behaved differently` : "",
  ].filter(Boolean);
  return `${parts.join("; ")}.`;
}

function callRows(calls: readonly CallChange[]): string[] {
  return calls.map(
    (x) =>
      `| ${id(x.scenario)} | ${x.index} | ${mdCell(x.request)} | ${mdCell(x.tuple)} | ${mdCell(factsText(x.before))} | ${mdCell(factsText(x.after))} | ${mdCell(x.differs.join(", "))} |`,
  );
}

export function comparisonMarkdown(c: Comparison): string {
  const L: string[] = [];
  L.push(`## Auth-headers conformance: ${mdCell(c.a.label)} → ${mdCell(c.b.label)}`, "");
  L.push(`**${headline(c)}**`, "");
  L.push(`A: ${id(c.a.profile)} ${mdCell(c.a.outcome)} · B: ${id(c.b.profile)} ${mdCell(c.b.outcome)}`, "");
  for (const w of c.warnings) L.push(`> ⚠️ ${mdCell(w)}`, "");
  if (c.requirements.length) {
    L.push(`### Requirements that changed verdict (${c.requirements.length})`, "");
    L.push("| requirement | level | A | B | change | scenarios that changed |", "|---|---|---|---|---|---|");
    for (const r of c.requirements)
      L.push(
        `| **${mdCell(r.id)}** | ${mdCell(r.level)} | ${v(r.before)} | ${v(r.after)} | ${KIND_LABEL[r.kind]} | ${r.scenarios.length ? mdCell(r.scenarios.slice(0, 3).join(", ")) + (r.scenarios.length > 3 ? ` and ${r.scenarios.length - 3} more` : "") : ""} |`,
      );
    L.push("");
  }
  if (c.scenarios.length) {
    L.push(`### Scenarios that changed verdict (${c.scenarios.length})`, "");
    L.push("| scenario | A | B | change | why |", "|---|---|---|---|---|");
    for (const s of c.scenarios.slice(0, MAX_SCENARIOS))
      L.push(
        `| ${id(s.id)} | ${v(s.before)} | ${v(s.after)} | ${KIND_LABEL[s.kind]} | ${mdCell(s.why ?? "")} |`,
      );
    if (c.scenarios.length > MAX_SCENARIOS)
      L.push("", `… and ${c.scenarios.length - MAX_SCENARIOS} more (see the HTML comparison).`);
    L.push("");
  }
  if (c.calls.length) {
    const inScenarios = new Set(c.calls.map((x) => x.scenario)).size;
    L.push(`### Calls that behaved differently (${c.calls.length} in ${inScenarios} scenario(s))`, "");
    L.push(
      "Paired by scenario and call number; compared: the answer (kind and code), the cluster the result named, whose data it carried, and the users the audit logs saw.",
      "",
    );
    L.push("| scenario | call | request | tuple | A | B | differs |", "|---|---|---|---|---|---|---|");
    L.push(...callRows(c.calls.slice(0, MAX_CALLS)));
    if (c.calls.length > MAX_CALLS)
      L.push("", `… and ${c.calls.length - MAX_CALLS} more (see the HTML comparison).`);
    L.push("");
  }
  // the inputs were redacted as data when loaded (load.ts): nothing to redact in the rendered text
  return `${L.join("\n")}\n`;
}
