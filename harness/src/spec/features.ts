// Reads the feature files into pickles (one per scenario / example row) with
// their tags, and maps requirement ids to scenarios.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { generateMessages } from "@cucumber/gherkin";
import { IdGenerator, SourceMediaType } from "@cucumber/messages";
import { parse as parseTagExpression } from "@cucumber/tag-expressions";
import { scenarioId } from "../report/messages.js";
import { REPO_ROOT, REQUIREMENT_ID, type Requirement } from "./requirements.js";

export const FEATURES_DIR = join(REPO_ROOT, "features");

export const AREA_TAGS = [
  "@headers",
  "@auth",
  "@tls",
  "@switching",
  "@meta",
  "@lifecycle",
  "@origin",
  "@security",
];

export interface PlannedScenario {
  id: string;
  name: string;
  uri: string;
  tags: string[];
  /** Line of the scenario (of its example row, for an outline): `uri:line` runs exactly it. */
  line: number;
  /** The steps as Cucumber runs them (Background first, outline values filled in), with their lines. */
  steps: { text: string; line: number }[];
}

export function featureFiles(dir = FEATURES_DIR): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...featureFiles(p));
    else if (e.name.endsWith(".feature")) out.push(p);
  }
  return out.sort();
}

export function parseFeature(text: string, uri: string): PlannedScenario[] {
  const envelopes = generateMessages(text, uri, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN, {
    includeGherkinDocument: true,
    includePickles: true,
    includeSource: false,
    newId: IdGenerator.incrementing(),
  });
  const lines = new Map<string, number>();
  const out: PlannedScenario[] = [];
  for (const e of envelopes) {
    if (e.parseError) throw new Error(`${uri}: ${e.parseError.message}`);
    if (e.gherkinDocument) {
      const children = e.gherkinDocument.feature?.children ?? [];
      for (const child of children.flatMap((c) => [c, ...(c.rule?.children ?? [])])) {
        for (const st of child.background?.steps ?? []) lines.set(st.id, st.location.line);
        const sc = child.scenario;
        if (!sc) continue;
        lines.set(sc.id, sc.location.line);
        for (const st of sc.steps) lines.set(st.id, st.location.line);
        for (const ex of sc.examples) for (const row of ex.tableBody) lines.set(row.id, row.location.line);
      }
    }
    if (e.pickle) {
      // the last AST node of a pickle is its example row (outlines) or its scenario
      const node = e.pickle.astNodeIds[e.pickle.astNodeIds.length - 1] ?? "";
      out.push({
        id: scenarioId(e.pickle.uri, e.pickle.name),
        name: e.pickle.name,
        uri: e.pickle.uri,
        tags: e.pickle.tags.map((t) => t.name),
        line: lines.get(node) ?? 0,
        steps: e.pickle.steps.map((st) => ({ text: st.text, line: lines.get(st.astNodeIds[0] ?? "") ?? 0 })),
      });
    }
  }
  return out;
}

/** Scenarios whose id matches a glob (`*` any characters, `?` one); several globs separated by commas. */
export function selectByScenarioGlob(
  scenarios: readonly PlannedScenario[],
  globs: string,
): PlannedScenario[] {
  const res = globs
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean)
    .map(
      (g) =>
        new RegExp(
          `^${g
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        ),
    );
  return scenarios.filter((s) => res.some((re) => re.test(s.id)));
}

export function loadScenarios(dir = FEATURES_DIR): PlannedScenario[] {
  return featureFiles(dir).flatMap((f) => parseFeature(readFileSync(f, "utf8"), relative(REPO_ROOT, f)));
}

export function selectScenarios(
  scenarios: readonly PlannedScenario[],
  tagExpression?: string,
): PlannedScenario[] {
  if (!tagExpression?.trim()) return [...scenarios];
  const expr = parseTagExpression(tagExpression);
  return scenarios.filter((s) => expr.evaluate(s.tags));
}

export interface RequirementMap {
  byRequirement: Map<string, PlannedScenario[]>;
  /** Tags that look like requirement ids but are not in the spec (or are withdrawn). */
  unknownIds: { id: string; scenario: string }[];
  /** Spec requirements no scenario covers. */
  uncovered: string[];
  duplicateScenarioIds: string[];
  untagged: string[];
  noArea: string[];
}

export function mapRequirements(
  reqs: readonly Requirement[],
  scenarios: readonly PlannedScenario[],
): RequirementMap {
  const live = reqs.filter((r) => !r.withdrawn);
  const byRequirement = new Map<string, PlannedScenario[]>(live.map((r) => [r.id, []]));
  const unknownIds: RequirementMap["unknownIds"] = [];
  const seen = new Set<string>();
  const duplicateScenarioIds = new Set<string>();
  const untagged: string[] = [];
  const noArea: string[] = [];
  for (const s of scenarios) {
    if (seen.has(s.id)) duplicateScenarioIds.add(s.id);
    seen.add(s.id);
    const ids = s.tags.filter((t) => t.startsWith("@AH-")).map((t) => t.slice(1));
    if (ids.length === 0) untagged.push(s.id);
    if (!s.tags.some((t) => AREA_TAGS.includes(t))) noArea.push(s.id);
    for (const id of ids) {
      const list = byRequirement.get(id);
      if (!REQUIREMENT_ID.test(id) || !list) unknownIds.push({ id, scenario: s.id });
      else if (!list.includes(s)) list.push(s);
    }
  }
  const uncovered = [...byRequirement].filter(([, l]) => l.length === 0).map(([id]) => id);
  return {
    byRequirement,
    unknownIds,
    uncovered,
    duplicateScenarioIds: [...duplicateScenarioIds],
    untagged,
    noArea,
  };
}

/** Problems that make `list` (and `run`) fail. */
export function mappingProblems(m: RequirementMap): string[] {
  return [
    ...m.unknownIds.map((u) => `unknown requirement id @${u.id} on ${u.scenario}`),
    ...m.duplicateScenarioIds.map((id) => `duplicate scenario id ${id} (rename one scenario)`),
    ...m.untagged.map((id) => `scenario without requirement tag: ${id}`),
    ...m.noArea.map((id) => `scenario without area tag: ${id}`),
  ];
}
