// Verdict words and badges of the report page (one vocabulary with summary.md).
import type { CheckStatus } from "../model.js";
import type { RequirementVerdict, RunOutcome } from "../verdict.js";
import { type Html, html } from "./html.js";

export const VERDICT_LABEL: Record<RequirementVerdict, string> = {
  pass: "pass",
  fail: "fail",
  warning: "warning",
  "expected-failure": "expected failure",
  partial: "partial",
  untestable: "untestable",
  skipped: "skipped",
  "not-run": "not run",
  uncovered: "uncovered",
};

/** Worst first: the order of the filters and of sorting. */
export const VERDICT_ORDER: RequirementVerdict[] = [
  "fail",
  "warning",
  "expected-failure",
  "partial",
  "untestable",
  "skipped",
  "not-run",
  "uncovered",
  "pass",
];

export const badge = (v: RequirementVerdict): Html =>
  html`<span class="b v-${v}">${VERDICT_LABEL[v] ?? v}</span>`;

const OUTCOME_CLASS: Record<RunOutcome, string> = {
  CONFORMANT: "pass",
  PARTIAL: "partial",
  "EXPECTED FAILURES ONLY": "expected-failure",
  "NOT CONFORMANT": "fail",
};

export const outcomeBadge = (o: RunOutcome): Html =>
  html`<span class="b big v-${OUTCOME_CLASS[o]}">${o}</span>`;

const CHECK_MARK: Record<CheckStatus, string> = { pass: "✓", fail: "✗", untestable: "?", skipped: "–" };

export const checkMark = (s: CheckStatus, expected = false): Html =>
  html`<span class="m c-${expected ? "expected" : s}" title="${expected ? "expected failure" : s}">${CHECK_MARK[s]}</span>`;
