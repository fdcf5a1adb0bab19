// The comparison as one self-contained HTML page, linking each scenario to
// its timeline in both runs' report.html.
import { relative } from "node:path";
import { type Html, html, scenarioAnchor, trusted } from "../page/html.js";
import { badge } from "../page/labels.js";
import { PAGE_CSP } from "../page/render.js";
import { STYLE } from "../page/style.js";
import type { RequirementVerdict } from "../verdict.js";
import type { Comparison } from "./diff.js";
import { factsText, headline, KIND_LABEL } from "./markdown.js";

const b = (v: RequirementVerdict) => badge(v);

export function comparisonHtml(c: Comparison, outFile: string): string {
  const link = (dir: string, id: string, text: string): Html => {
    const rel = relative(outFile.replace(/[^/]*$/, ""), `${dir}/report.html`) || "report.html";
    return html`<a href="${rel}#${scenarioAnchor(id)}">${text}</a>`;
  };
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="referrer" content="no-referrer">
<title>compare ${c.a.label} → ${c.b.label}</title>
<style>${trusted(STYLE)}</style></head><body>
<h1>Auth-headers conformance: ${c.a.label} → ${c.b.label}</h1>
<p><b>${headline(c)}</b></p>
<dl class="meta"><dt>A</dt><dd>${c.a.profile} · ${c.a.outcome} · <span class="mono">${c.a.dir}</span></dd>
<dt>B</dt><dd>${c.b.profile} · ${c.b.outcome} · <span class="mono">${c.b.dir}</span></dd></dl>
${c.warnings.map((w) => html`<p class="c-fail">⚠ ${w}</p>`)}
<h2>Requirements that changed verdict (${c.requirements.length})</h2>
${
  c.requirements.length
    ? html`<table><thead><tr><th>requirement</th><th>level</th><th>A</th><th>B</th><th>change</th><th>scenarios that changed</th></tr></thead><tbody>${c.requirements.map(
        (r) =>
          html`<tr data-kind="${r.kind}"><td class="mono"><b>${r.id}</b><div class="small">${r.title}</div></td><td>${r.level}</td><td>${b(r.before)}</td><td>${b(r.after)}</td><td>${KIND_LABEL[r.kind]}</td><td class="small">${r.scenarios.map((s) => html`<div>${s}</div>`)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="mut">None.</p>`
}
<h2>Scenarios that changed verdict (${c.scenarios.length})</h2>
${
  c.scenarios.length
    ? html`<table><thead><tr><th>scenario</th><th>A</th><th>B</th><th>change</th><th>why</th></tr></thead><tbody>${c.scenarios.map(
        (s) =>
          html`<tr data-kind="${s.kind}"><td><b>${s.name}</b><div class="mono small">${s.id}</div><div class="small">timeline: ${link(c.a.dir, s.id, "A")} · ${link(c.b.dir, s.id, "B")}</div></td><td>${b(s.before)}</td><td>${b(s.after)}</td><td>${KIND_LABEL[s.kind]}</td><td class="small">${s.why ?? ""}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="mut">None.</p>`
}
<h2>Calls that behaved differently (${c.calls.length})</h2>
<p class="mut small">Paired by scenario and call number; compared: the answer (kind and code), the cluster the result named, whose data it carried, and the users the audit logs saw.</p>
${
  c.calls.length
    ? html`<table><thead><tr><th>scenario</th><th>#</th><th>request · tuple</th><th>A</th><th>B</th><th>differs</th></tr></thead><tbody>${c.calls.map(
        (x) =>
          html`<tr><td class="mono small">${x.scenario}<div>${link(c.a.dir, x.scenario, "A")} · ${link(c.b.dir, x.scenario, "B")}</div></td><td>${x.index}</td><td class="small">${x.request}<div><b>${x.tuple}</b></div></td><td class="small">${factsText(x.before)}</td><td class="small">${factsText(x.after)}</td><td class="small">${x.differs.join(", ")}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="mut">None.</p>`
}
</body></html>
`;
  // the inputs were redacted as data when loaded (load.ts), and every value is escaped
  return page.value;
}
