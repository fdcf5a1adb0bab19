// Sentence-level coverage of docs/spec.md (issue 17, section 5): every MUST / MUST NOT /
// SHOULD sentence, with the scenarios and the catalogue defects that fail when a provider
// breaks only that sentence. The mapping lives in fixtures/coverage.yaml; a sentence
// without a failing scenario is listed as a gap, with the reason, never as covered.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { type DefectCatalogue, loadCatalogue } from "../catalogue/defects.js";
import { loadScenarios } from "./features.js";
import { classOf, DEFAULT_CLASS, loadRequirements, REPO_ROOT, type Requirement } from "./requirements.js";

export interface NormativeSentence {
  readonly id: string;
  readonly level: Requirement["level"];
  readonly sentence: string;
  /** A class the harness does not judge yet: every sentence of it is a gap until its scenarios exist. */
  readonly unjudgedClass?: string;
}

const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs)\.$/;

/** Splits a requirement's text at sentence ends ("e.g." and the like are not ends). */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/(?<=\.)\s+(?=[A-Z`(*"])/)) {
    const previous = out[out.length - 1];
    if (previous !== undefined && ABBREVIATION.test(previous)) out[out.length - 1] = `${previous} ${part}`;
    else out.push(part);
  }
  return out.map((s) => s.trim()).filter(Boolean);
}

/**
 * The normative sentences: each one with MUST or SHOULD; a requirement written without
 * either word (a plain statement, e.g. AH-HDR-7) counts as one sentence, its first.
 */
export function normativeSentences(reqs: readonly Requirement[] = loadRequirements()): NormativeSentence[] {
  const out: NormativeSentence[] = [];
  for (const r of reqs) {
    if (r.withdrawn) continue;
    const all = sentencesOf((r.text ?? "").replace(/^\(SHOULD\)\s*/, ""));
    const normative = all.filter((s) => /\b(MUST|SHOULD)\b/.test(s));
    for (const sentence of normative.length ? normative : all.slice(0, 1))
      out.push({
        id: r.id,
        level: r.level,
        sentence,
        ...(classOf(r) !== DEFAULT_CLASS ? { unjudgedClass: classOf(r) } : {}),
      });
  }
  return out;
}

const Entry = z.union([
  z
    .object({
      sentence: z.string().min(8),
      scenarios: z.array(z.string().min(1)).min(1),
      defects: z.array(z.string().min(1)).min(1),
    })
    .strict(),
  z.object({ sentence: z.string().min(8), gap: z.string().min(8) }).strict(),
]);
const Coverage = z.record(z.string().regex(/^AH-[A-Z]+-\d+$/), z.array(Entry));
export type CoverageFile = z.infer<typeof Coverage>;
type CoverageEntry = z.infer<typeof Entry>;

export const COVERAGE_PATH = join(REPO_ROOT, "fixtures", "coverage.yaml");

export function loadCoverage(path = COVERAGE_PATH): CoverageFile {
  return Coverage.parse(parse(readFileSync(path, "utf8")));
}

export interface CoverageRow extends NormativeSentence {
  readonly scenarios: readonly string[];
  readonly defects: readonly string[];
  /** Why no scenario fails when only this sentence is broken. */
  readonly gap?: string;
}

/** `*` matches any run of characters in a scenario id. */
const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

export interface CoverageReport {
  readonly rows: CoverageRow[];
  readonly problems: string[];
}

/** Matches every sentence with its entry and says what is wrong with the file. */
export function coverage(
  file: CoverageFile = loadCoverage(),
  sentences: readonly NormativeSentence[] = normativeSentences(),
  catalogue: DefectCatalogue = loadCatalogue(),
  scenarioIds: readonly string[] = loadScenarios().map((s) => s.id),
): CoverageReport {
  const problems: string[] = [];
  const rows: CoverageRow[] = [];
  const used = new Set<CoverageEntry>();
  for (const s of sentences) {
    const entries = (file[s.id] ?? []).filter((e) => s.sentence.includes(e.sentence));
    if (entries.length === 0 && s.unjudgedClass) {
      rows.push({
        ...s,
        scenarios: [],
        defects: [],
        gap: `class \`${s.unjudgedClass}\`: no scenario yet (the harness judges the \`${DEFAULT_CLASS}\` class only)`,
      });
      continue;
    }
    if (entries.length !== 1) {
      problems.push(
        `${s.id}: ${entries.length === 0 ? "no entry" : `${entries.length} entries`} in fixtures/coverage.yaml for "${s.sentence.slice(0, 80)}"`,
      );
      continue;
    }
    const e = entries[0] as CoverageEntry;
    used.add(e);
    if ("gap" in e) {
      rows.push({ ...s, scenarios: [], defects: [], gap: e.gap });
      continue;
    }
    const scenarios = e.scenarios.flatMap((g) => {
      const hit = scenarioIds.filter((id) => globToRegExp(g).test(id));
      if (hit.length === 0) problems.push(`${s.id}: scenario pattern "${g}" matches no scenario`);
      return hit;
    });
    for (const d of e.defects) {
      const declared = catalogue.defects[d];
      const heavy = catalogue.heavy.filter((h) => h.defect === d).flatMap((h) => [...h.fails, ...h.warns]);
      if (!declared) problems.push(`${s.id}: unknown defect "${d}"`);
      else if (![...declared.fails, ...declared.warns, ...heavy].includes(s.id))
        problems.push(`${s.id}: defect "${d}" does not declare ${s.id} in fixtures/defects.yaml`);
    }
    rows.push({ ...s, scenarios: [...new Set(scenarios)], defects: e.defects });
  }
  for (const [id, entries] of Object.entries(file))
    for (const e of entries)
      if (!used.has(e))
        problems.push(`${id}: entry "${e.sentence}" matches no normative sentence of that requirement`);
  return { rows, problems };
}

const cell = (s: string) => s.replace(/\|/g, "\\|");
const short = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}…` : s);

/** The generated part of docs/coverage.md. */
export function renderCoverage(report: CoverageReport): string {
  const covered = report.rows.filter((r) => !r.gap);
  const gaps = report.rows.filter((r) => r.gap);
  const lines = [
    `${report.rows.length} normative sentences; ${covered.length} with a scenario that fails when only that sentence is broken (proven by a catalogue defect), ${gaps.length} gaps.`,
    "",
    "| requirement | sentence | failing scenarios | defects |",
    "|---|---|---|---|",
    ...covered.map(
      (r) =>
        `| ${r.id} | ${cell(short(r.sentence))} | ${r.scenarios.length}: ${r.scenarios
          .slice(0, 3)
          .map((x) => `\`${x}\``)
          .join(
            ", ",
          )}${r.scenarios.length > 3 ? ", …" : ""} | ${r.defects.map((d) => `\`${d}\``).join(", ")} |`,
    ),
    "",
    "## Gaps: sentences no scenario fails on alone",
    "",
    "| requirement | sentence | why |",
    "|---|---|---|",
    ...gaps.map((r) => `| ${r.id} | ${cell(short(r.sentence))} | ${cell(r.gap ?? "")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

export const BEGIN = "<!-- generated from docs/spec.md and fixtures/coverage.yaml: npm run docs:coverage -->";
export const END = "<!-- end of generated part -->";

export function withCoverage(doc: string, report: CoverageReport): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/coverage.md lacks the markers ${BEGIN} … ${END}`);
  return `${doc.slice(0, a + BEGIN.length)}\n\n${renderCoverage(report)}\n${doc.slice(b)}`;
}
