// The cluster-switching section: the proposal's open question answered for
// this provider, one row per situation, each linked to its timelines.
import type { SituationOutcome, SwitchingAnswer } from "../switching.js";
import { type Html, html, requirementAnchor, scenarioAnchor } from "./html.js";
import { badge } from "./labels.js";

const OUTCOME: Record<SituationOutcome, { label: string; cls: string }> = {
  "as-required": { label: "as the spec requires", cls: "pass" },
  broken: { label: "breaks the spec", cls: "fail" },
  "expected-failure": { label: "fails (expected)", cls: "expected-failure" },
  "not-judged": { label: "not fully judged", cls: "partial" },
  "not-run": { label: "not run", cls: "not-run" },
};

export function renderSwitching(answer: SwitchingAnswer): Html {
  return html`<section id="switching">
<h2>Cluster switching</h2>
<p><b>What happens when calls of one session switch clusters?</b> ${answer.summary}</p>
<table class="sw"><thead><tr><th>situation</th><th>the spec requires</th><th>observed</th><th>evidence</th></tr></thead><tbody>${answer.rows.map(
    (r) => html`<tr id="${r.key}" data-row="switching" data-outcome="${r.outcome}">
<td><b>${r.situation}</b><div class="small">${r.requirements.map((q, i) => html`${i ? " " : ""}<a href="#${requirementAnchor(q)}">${q}</a>`)}</div></td>
<td class="small">${r.expected}</td>
<td><span class="b v-${OUTCOME[r.outcome].cls}">${OUTCOME[r.outcome].label}</span><ul class="plain small">${r.evidence.map(
      (e) =>
        html`<li>${e.observed}${e.why ? html`<div class="${e.verdict === "fail" || e.verdict === "warning" ? "c-fail" : "mut"}">${e.why}</div>` : ""}</li>`,
    )}</ul></td>
<td class="small"><ul class="plain">${r.evidence.map(
      (e) =>
        html`<li>${e.verdict === "not-run" ? html`<span class="mut">${e.scenario} (not run)</span>` : html`${badge(e.verdict)} <a href="#${scenarioAnchor(e.scenario)}">timeline</a> <span class="mono mut">${e.scenario}</span>`}</li>`,
    )}</ul></td></tr>`,
  )}</tbody></table>
<p class="small mut">Each row is backed by the scenarios named in its evidence (harness/src/report/switching.ts maps situations to scenarios). See docs/cluster-switching.md for why a switch is not an operation: every call carries its own tuple.</p>
</section>`;
}
