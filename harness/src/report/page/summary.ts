// The top of the page: the run's outcome, what was run against what, and the
// distinct causes of failure (each with its requirements and scenarios).
import type { VerdictDocument } from "../write.js";
import { type Html, html, requirementAnchor, scenarioAnchor } from "./html.js";
import { badge, outcomeBadge, VERDICT_ORDER } from "./labels.js";

const OUTCOME_TEXT: Record<string, string> = {
  CONFORMANT: "Every MUST requirement was judged and passed.",
  PARTIAL:
    "Nothing failed, but some MUST requirements were not fully judged, so the run is not a conformance claim.",
  "EXPECTED FAILURES ONLY":
    "Every failure is listed in the expected-failures file: the run passes, the provider is not conformant.",
  "NOT CONFORMANT":
    "At least one MUST requirement failed (or an expected-failures entry is stale or unknown).",
};

function duration(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return "";
  return ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

const scenarioLinks = (ids: readonly string[], max = 4): Html => {
  const shown = ids.slice(0, max).map((id) => html`<a href="#${scenarioAnchor(id)}">${id}</a>`);
  const joined = shown.flatMap((l, i) => (i ? [html`, `, l] : [l]));
  return html`${joined}${ids.length > max ? html` <span class="mut">and ${ids.length - max} more</span>` : ""}`;
};

function selection(doc: VerdictDocument): Html {
  const parts = [
    doc.tags ? html`tags <code>${doc.tags}</code>` : "",
    doc.scenarioGlob ? html`scenarios <code>${doc.scenarioGlob}</code>` : "",
  ].filter((p) => p !== "");
  return parts.length ? html`${parts.flatMap((p, i) => (i ? [html`, `, p] : [p]))}` : html`all scenarios`;
}

/** MUST requirements not fully judged; those the selection left out on one line. */
function renderGaps(gaps: readonly string[]): Html {
  if (!gaps.length) return html``;
  const out = gaps.filter((g) => / (not-run|uncovered)$/.test(g)).map((g) => g.split(" ")[0] ?? g);
  const open = gaps.filter((g) => !/ (not-run|uncovered)$/.test(g));
  return html`<h3>Not fully judged (MUST)</h3><ul class="plain">${open.map((g) => html`<li>${g}</li>`)}${
    out.length ? html`<li>not run or not covered by this selection: ${out.join(", ")}</li>` : ""
  }</ul>`;
}

export function renderSummary(doc: VerdictDocument): Html {
  const v = doc.verdict;
  const t = doc.target;
  const n = v.counts as Record<string, number>;
  const counts = VERDICT_ORDER.filter((k) => (n[k] ?? 0) > 0).map(
    (k) => html`<button type="button" data-verdict="${k}">${badge(k)} ${n[k]}</button>`,
  );
  const crashes = v.scenarios.flatMap((s) => (s.record?.targetEvents ?? []).map((e) => ({ s, e })));
  const workarounds = v.scenarios.filter((s) => s.record?.workarounds.length);
  const others = v.problems.filter((p) => /^(stale|expected failure|no scenario)/.test(p));
  const xf = v.expectations;
  return html`
<header>
<h1>Auth-headers conformance: ${t.profile}</h1>
<p>${outcomeBadge(v.outcome)} <span>${OUTCOME_TEXT[v.outcome] ?? ""}</span></p>
<div class="counts">${v.counts.total} scenarios: ${counts}</div>
<dl class="meta">
<dt>target</dt><dd class="mono">${t.command ?? t.url ?? "?"}</dd>
<dt>capabilities</dt><dd>${t.capabilities.join(", ") || "none claimed"}</dd>
<dt>spec / harness</dt><dd>spec ${doc.harness.specVersion}, ${doc.harness.name} ${doc.harness.version}</dd>
<dt>selection</dt><dd>${selection(doc)}</dd>
<dt>run</dt><dd>${doc.startedAt} → ${doc.finishedAt} (${duration(doc.startedAt, doc.finishedAt)})</dd>
</dl>
</header>
<nav><a href="#causes">Causes</a><a href="#switching">Cluster switching</a><a href="#requirements">Requirements</a><a href="#scenarios">Scenarios</a></nav>
<section id="causes">
<h2>Causes</h2>
${
  v.causes.length
    ? html`<p class="mut">Distinct failures, each with the requirements it breaks and the scenarios that show it (most frequent first).</p>
<ol class="causes">${v.causes.map(
        (c) =>
          html`<li><b>${c.requirements.map((r, i) => html`${i ? ", " : ""}<a href="#${requirementAnchor(r)}">${r}</a>`)}</b>${c.level === "SHOULD" ? " (SHOULD)" : ""}: ${c.message} — ${c.scenarios.length} scenario(s), ${c.checks} check(s): ${scenarioLinks(c.scenarios)}</li>`,
      )}</ol>`
    : html`<p>No failing check${v.counts["expected-failure"] ? " outside the expected-failures file" : ""}.</p>`
}
${renderGaps(v.gaps)}
${others.length ? html`<h3>Problems</h3><ul class="plain">${others.map((p) => html`<li>${p}</li>`)}</ul>` : ""}
${
  xf.expected.length || xf.notRun.length
    ? html`<h3>Expected failures</h3><p>${xf.expected.length} entr${xf.expected.length === 1 ? "y" : "ies"} matched a failing check${xf.notRun.length ? html`; ${xf.notRun.length} did not run: ${xf.notRun.join(", ")}` : ""}.</p>`
    : ""
}
${
  crashes.length
    ? html`<h3>Target crashes</h3>${crashes.map(
        ({ s, e }) =>
          html`<p><b>${e.kind}</b> during <a href="#${scenarioAnchor(s.id)}">${s.id}</a>: ${e.detail}</p>${e.logTail ? html`<pre>${e.logTail.split("\n").slice(-12).join("\n")}</pre>` : ""}`,
      )}`
    : ""
}
${
  workarounds.length
    ? html`<h3>Workarounds</h3><p>${workarounds.length} scenario(s) ran under a workaround for ${workarounds[0]?.record?.workarounds[0]?.requirement}: ${workarounds[0]?.record?.workarounds[0]?.note}.</p>`
    : ""
}
</section>`;
}
