// The requirement matrix: one row per requirement of the spec, with its full
// text, its verdict, and the checks and scenarios that judged it; filterable
// by verdict, level and text.
import type { Verdict } from "../verdict.js";
import { type Html, html, inlineMarkdown, requirementAnchor, scenarioAnchor } from "./html.js";
import { badge, checkMark, VERDICT_LABEL, VERDICT_ORDER } from "./labels.js";

export function renderMatrix(verdict: Verdict, texts: ReadonlyMap<string, string>): Html {
  const present = VERDICT_ORDER.filter((v) => verdict.requirements.some((r) => r.verdict === v));
  const rows = verdict.requirements.map((r) => {
    const text = texts.get(r.id) ?? r.title;
    const checks = verdict.scenarios.flatMap((s) =>
      s.checks.filter((c) => c.requirements.includes(r.id)).map((c) => ({ s, c })),
    );
    const k = r.checks;
    const counts = [
      `${k.pass} pass`,
      k.fail ? `${k.fail} fail` : "",
      k.expected ? `${k.expected} expected` : "",
      k.untestable ? `${k.untestable} untestable` : "",
      k.skipped ? `${k.skipped} skipped` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    const list = checks.length
      ? html`<details><summary>${r.scenarios.length} scenario(s), ${checks.length} check(s)</summary><ul class="chk small">${checks.map(
          ({ s, c }) =>
            html`<li>${checkMark(c.status, !!c.expected)} <a href="#${scenarioAnchor(s.id)}">${s.id}</a> <span class="mut">#${c.id}</span>${c.status === "fail" && c.message ? html`: ${c.message.split("\n")[0]}` : ""}</li>`,
        )}</ul></details>`
      : html`<span class="mut">${r.verdict === "uncovered" ? "no scenario covers it" : r.verdict === "skipped" ? "its scenarios were skipped" : "not run"}</span>`;
    return html`<tr id="${requirementAnchor(r.id)}" data-row="req" data-verdict="${r.verdict}" data-level="${r.level}">
<td class="mono">${r.id}</td><td>${r.level}</td><td>${inlineMarkdown(text)}${r.notes?.length ? html`<div class="mut small">${r.notes.join(" · ")}</div>` : ""}</td>
<td>${badge(r.verdict)}</td><td class="small">${counts}</td><td>${list}</td></tr>`;
  });
  return html`<section id="requirements">
<h2>Requirements</h2>
<div class="filters" data-filters="req">
<label>verdict <select name="verdict"><option value="">all</option>${present.map((v) => html`<option value="${v}">${VERDICT_LABEL[v]}</option>`)}</select></label>
<label>level <select name="level"><option value="">all</option><option>MUST</option><option>SHOULD</option></select></label>
<input type="search" placeholder="filter: id, words of the spec, scenario" aria-label="filter requirements">
<span class="shown mut">${verdict.requirements.length} shown</span>
</div>
<table class="matrix"><thead><tr><th>id</th><th>level</th><th>spec text</th><th>verdict</th><th>checks</th><th>judged by</th></tr></thead>
<tbody>${rows}</tbody></table>
</section>`;
}
