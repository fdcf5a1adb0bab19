// report.html: the harness's own page, one self-contained document (inline
// CSS and script, no request to anywhere, works from file://). It renders
// only what verdict.json holds, plus the spec's requirement texts.
import { switchingAnswer } from "../switching.js";
import type { VerdictDocument } from "../write.js";
import { html, trusted } from "./html.js";
import { renderMatrix } from "./matrix.js";
import { SCRIPT } from "./script.js";
import { STYLE } from "./style.js";
import { renderSummary } from "./summary.js";
import { renderSwitching } from "./switching.js";
import { renderScenarios } from "./timeline.js";

export interface PageOptions {
  /** Full requirement texts by id (docs/spec.md); the verdict's titles are used when absent. */
  texts?: ReadonlyMap<string, string>;
}

/** Content-Security-Policy of the page: nothing may be fetched, only the inline style and script run. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReportPage(doc: VerdictDocument, opts: PageOptions = {}): string {
  const v = doc.verdict;
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${v.outcome} — auth-headers conformance: ${doc.target.profile}</title>
<style>${trusted(STYLE)}</style></head>
<body>
${renderSummary(doc)}
${renderSwitching(switchingAnswer(v))}
${renderMatrix(v, opts.texts ?? new Map())}
${renderScenarios(v)}
<footer class="small mut"><p>Written by ${doc.harness.name} ${doc.harness.version} from the same data as verdict.json; secrets are never recorded and every registered secret is scrubbed from this page.</p></footer>
<script>${trusted(SCRIPT)}</script>
</body></html>
`;
  return page.value;
}
