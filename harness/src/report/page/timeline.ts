// Per scenario, the timeline of its calls: what each request carried (by
// name), what the clusters' audit logs recorded while it ran, what came back,
// and the checks that judged it.
import {
  answerText,
  auditedClusters,
  auditText,
  batchText,
  callStory,
  methodText,
  ownSightingMissing,
  shortResource,
  tupleText,
} from "../call-text.js";
import type { CallBatch, CallRecord, TargetEvent } from "../model.js";
import type { JudgedCheck, ScenarioEntry, Verdict } from "../verdict.js";
import { type Html, html, requirementAnchor, scenarioAnchor } from "./html.js";
import { badge, checkMark, VERDICT_LABEL, VERDICT_ORDER } from "./labels.js";

/** Verdicts whose timeline is open when the page loads. */
const OPEN = new Set(["fail", "warning"]);

const ms = (n: number) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);

function checkList(checks: readonly JudgedCheck[]): Html {
  if (!checks.length) return html`<span class="mut">—</span>`;
  return html`<ul class="chk">${checks.map(
    (c) =>
      html`<li>${checkMark(c.status, !!c.expected)} <span class="mono">${c.id}</span> <span class="mut">[${c.requirements.join(", ")}]</span> ${c.expectation}${
        c.message && c.status !== "pass"
          ? html`<div class="${c.status === "fail" ? "c-fail" : "mut"} small">${c.message}</div>`
          : ""
      }${c.expected ? html`<div class="c-expected small">expected failure${c.expected.reason ? `: ${c.expected.reason}` : ""}</div>` : ""}</li>`,
  )}</ul>`;
}

function auditLines(c: CallRecord, audited: ReadonlySet<string>): Html {
  const witness = c.contact?.length
    ? html`<ul class="plain small witness">${c.contact.map((l) => html`<li>witness: ${l}</li>`)}</ul>`
    : "";
  return html`${auditOnly(c, audited)}${witness}`;
}

function auditOnly(c: CallRecord, audited: ReadonlySet<string>): Html {
  const missing = ownSightingMissing(c.audit, c.tuple, audited);
  const gap = missing
    ? html`<li class="${c.answer.kind === "result" ? "c-fail" : "mut"}"><b>${missing.cluster}</b>: nothing from <span class="who">${missing.identity}</span>${c.answer.kind === "result" ? " (yet a result came back)" : ""}</li>`
    : "";
  if (!c.audit?.length && !gap)
    return html`<span class="mut">${auditText(undefined, undefined, audited)}</span>`;
  return html`<ul class="plain small">${gap}${(c.audit ?? []).map(
    (s) =>
      html`<li><b>${s.cluster}</b>: <span class="who">${s.user}</span> ${s.verb} <span title="${s.resource}">${shortResource(s.resource)}</span> → ${s.status || "?"}</li>`,
  )}</ul>`;
}

function callRow(c: CallRecord, checks: readonly JudgedCheck[], audited: ReadonlySet<string>): Html {
  const a = c.answer;
  const tuple = c.tuple;
  return html`<tr class="${c.control ? "ctrl" : ""}" id="call-${c.index}">
<td class="n mono">#${c.index}</td>
<td><div class="story">${callStory(c, audited)}</div>
<div class="small mut">${methodText(c)} · session ${c.session} · ${c.transport} · target ${c.target} · at +${ms(c.at)}, took ${ms(c.durationMs)}${c.control ? " · control call by the harness (precondition)" : ""}</div></td>
<td class="small"><div><span class="who">${tupleText({ ...tuple, changes: [] })}</span></div>${
    tuple.changes?.length ? html`<ul class="plain">${tuple.changes.map((x) => html`<li>${x}</li>`)}</ul>` : ""
  }</td>
<td>${auditLines(c, audited)}</td>
<td class="small"><div><b>${answerText(a, false)}</b></div>${a.text ? html`<div class="mono">${a.text}</div>` : ""}</td>
<td class="small">${checkList(checks)}</td>
</tr>`;
}

function batchRow(b: CallBatch, checks: readonly JudgedCheck[]): Html {
  return html`<tr><td class="n mono">#${b.index}…</td><td><div class="story">${b.label}</div><div class="small mut">at +${ms(b.at)}, took ${ms(b.durationMs)}</div></td>
<td class="small" colspan="2">${batchText(b)}</td><td></td><td class="small">${checkList(checks)}</td></tr>`;
}

function eventRow(e: TargetEvent): Html {
  return html`<tr><td class="n mono c-fail">!</td><td colspan="5"><b class="c-fail">target ${e.kind}</b> at +${ms(e.at)}: ${e.detail}${
    e.logTail ? html`<pre>${e.logTail.split("\n").slice(-12).join("\n")}</pre>` : ""
  }</td></tr>`;
}

export function renderScenario(s: ScenarioEntry, audited: ReadonlySet<string>): Html {
  const r = s.record;
  const calls = r?.calls ?? [];
  const batches = r?.batches ?? [];
  const indexes = new Set([...calls.map((c) => c.index), ...batches.map((b) => b.index)]);
  const byCall = (i: number) => s.checks.filter((c) => c.call === i);
  const loose = s.checks.filter((c) => c.call === undefined || !indexes.has(c.call));
  const rows = [
    ...calls.map((c) => ({ at: c.at, index: c.index, row: callRow(c, byCall(c.index), audited) })),
    ...batches.map((b) => ({ at: b.at, index: b.index, row: batchRow(b, byCall(b.index)) })),
    ...(r?.targetEvents ?? []).map((e) => ({ at: e.at, index: Number.MAX_SAFE_INTEGER, row: eventRow(e) })),
  ].sort((x, y) => x.at - y.at || x.index - y.index);
  const failed = s.checks.filter((c) => c.status === "fail").length;
  return html`<details class="sc" id="${scenarioAnchor(s.id)}" data-row="scenarios" data-verdict="${s.verdict}"${OPEN.has(s.verdict) ? html` open` : ""}>
<summary>${badge(s.verdict)} <b>${s.name}</b> <span class="mono mut">${s.id}</span> <span class="small">${s.requirements.map(
    (q, i) => html`${i ? " " : ""}<a href="#${requirementAnchor(q)}">${q}</a>`,
  )}</span> <span class="mut small">${s.level} · ${calls.length} call(s)${batches.length ? `, ${batches.length} batch(es)` : ""} · ${s.checks.length} check(s)${failed ? `, ${failed} failed` : ""}${s.durationMs !== undefined ? ` · ${ms(s.durationMs)}` : ""}</span></summary>
<div class="small mut">${s.uri}${s.line ? `:${s.line}` : ""}</div>
${s.reason ? html`<p><b>${s.verdict === "skipped" ? "Skipped" : "Not judged"}:</b> ${s.reason}</p>` : ""}
${(r?.workarounds ?? []).map((w) => html`<p class="small">Ran under a workaround for ${w.requirement}: ${w.note}</p>`)}
${
  rows.length
    ? html`<table class="calls"><thead><tr><th>#</th><th>call: carried → audit logs → answer</th><th>tuple (by name)</th><th>audit logs</th><th>answer</th><th>checks that judged it</th></tr></thead><tbody>${rows.map((x) => x.row)}</tbody></table>`
    : html`<p class="mut">No call recorded.</p>`
}
${loose.length ? html`<h3>Checks of the scenario</h3>${checkList(loose)}` : ""}
${s.stepError && !s.checks.some((c) => c.id === "step-error") ? html`<pre>${s.stepError}</pre>` : ""}
</details>`;
}

export function renderScenarios(verdict: Verdict): Html {
  const rank = (v: string) => VERDICT_ORDER.indexOf(v as never);
  const sorted = [...verdict.scenarios].sort(
    (a, b) => rank(a.verdict) - rank(b.verdict) || a.id.localeCompare(b.id),
  );
  const present = VERDICT_ORDER.filter((v) => verdict.scenarios.some((s) => s.verdict === v));
  const audited = auditedClusters(verdict.scenarios);
  return html`<section id="scenarios">
<h2>Scenarios</h2>
<p class="mut">Each call in order: the tuple it carried (by name, never a secret), what the clusters' audit logs recorded while it ran (the scenario's own identities), what came back and which cluster it named, and the checks that judged it. Failing scenarios are open.</p>
<div class="filters" data-filters="scenarios">
<label>verdict <select name="verdict"><option value="">all</option>${present.map((v) => html`<option value="${v}">${VERDICT_LABEL[v]}</option>`)}</select></label>
<input type="search" placeholder="filter: id, name, identity, requirement, message" aria-label="filter scenarios">
<span class="shown mut">${verdict.scenarios.length} shown</span>
</div>
${sorted.map((s) => renderScenario(s, audited))}
</section>`;
}
