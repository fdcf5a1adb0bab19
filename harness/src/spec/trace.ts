// `list --trace AH-AUTH-1`: requirement → scenarios → steps → checks, each
// with file:line, so a newcomer can follow an id from docs/spec.md to the
// code that judges it. Step definitions and check ids are read from the step
// sources statically: a check id is the first argument of a `judge(`/`record(`
// call, found in the step's own body or in a function it calls (one module
// graph of plain functions, followed transitively).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  CucumberExpression,
  ParameterType,
  ParameterTypeRegistry,
  RegularExpression,
} from "@cucumber/cucumber-expressions";
import { PARAMETER_TYPES } from "../steps/parameter-types.js";
import { loadScenarios, type PlannedScenario } from "./features.js";
import { loadRequirements, REPO_ROOT, type Requirement } from "./requirements.js";

export interface Place {
  file: string;
  line: number;
}

export interface CheckSite extends Place {
  /** The check id, or its fixed prefix followed by `…` when the id is built at run time. */
  id: string;
  /** Requirement ids written at the call, "subject" (the scenario's own requirements), or the expression that computes them. */
  requirements: string[] | string;
}

export interface StepDefinition extends Place {
  pattern: string;
  checks: CheckSite[];
}

export interface TraceStep {
  text: string;
  line: number;
  definition?: StepDefinition;
}

export interface Trace {
  requirement: Requirement;
  scenarios: { id: string; file: string; line: number; steps: TraceStep[] }[];
  /** Checks recorded under this id by name wherever they are (e.g. a precondition judged under AH-AUTH-1). */
  namedBy: CheckSite[];
}

const SOURCE_DIRS = ["harness/src/steps", "harness/src/checks", "harness/src/world"];

function sourceFiles(): string[] {
  const out: string[] = [];
  for (const d of SOURCE_DIRS) {
    const src = join(REPO_ROOT, d);
    const dist = join(REPO_ROOT, "dist", d);
    const dir = existsSync(src) ? src : dist;
    if (!existsSync(dir)) continue;
    // dsl.ts registers every step and recorder.ts records for all: neither is a step's own check
    for (const f of readdirSync(dir))
      if (/\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !/^(dsl|recorder)\./.test(f))
        out.push(join(dir, f));
  }
  return out;
}

interface Block extends Place {
  name?: string;
  pattern?: string;
  body: string;
  startOffset: number;
}

const ANCHOR =
  /^(?:export\s+)?(?:async\s+)?function\s+(\w+)|^(?:export\s+)?const\s+(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>|^(Given|When|Then)\(\s*$|^(Given|When|Then)\(\s*("(?:[^"\\]|\\.)*")/;
const CHECK_CALL =
  /\.(judge|record)\(\s*(?:(["'`])((?:(?!\2|\$\{).)*)(\$\{)?[\s\S]*?|([\w.]+\([^)]*\)|\w+)),\s*([^,]+?),/g;

function blocksOf(file: string): Block[] {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const anchors: { line: number; name?: string; pattern?: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ANCHOR.exec(lines[i] ?? "");
    if (!m) continue;
    if (m[1] || m[2]) anchors.push({ line: i + 1, name: m[1] ?? m[2] });
    else if (m[5]) anchors.push({ line: i + 1, pattern: JSON.parse(m[5]) });
    else if (m[3]) {
      const next = /^\s*("(?:[^"\\]|\\.)*"),?\s*$/.exec(lines[i + 1] ?? "");
      if (next?.[1]) anchors.push({ line: i + 1, pattern: JSON.parse(next[1]) });
    }
  }
  const offsets = [0];
  for (const l of lines) offsets.push((offsets[offsets.length - 1] ?? 0) + l.length + 1);
  return anchors.map((a, k) => {
    const start = offsets[a.line - 1] ?? 0;
    const end = offsets[(anchors[k + 1]?.line ?? lines.length + 1) - 1] ?? text.length;
    return {
      file: relative(REPO_ROOT, file),
      line: a.line,
      name: a.name,
      pattern: a.pattern,
      body: text.slice(start, end),
      startOffset: start,
    };
  });
}

function checksIn(block: Block): CheckSite[] {
  const out: CheckSite[] = [];
  for (const m of block.body.matchAll(CHECK_CALL)) {
    // an id computed at run time is shown as the expression that computes it
    const id = m[5] ? `‹${m[5]}›` : `${m[3] ?? ""}${m[4] ? "…" : ""}`;
    if (!id) continue;
    const reqArg = m[6] ?? "";
    const literal = [...reqArg.matchAll(/"(AH-[A-Z]+-\d+)"/g)].map((r) => r[1] as string);
    const line = block.line + (block.body.slice(0, m.index).match(/\n/g)?.length ?? 0);
    const computed = /checks\.subject\(\)|^\w+\.subject\(\)$/.test(reqArg.trim())
      ? "subject"
      : `‹${reqArg.trim()}›`;
    out.push({ file: block.file, line, id, requirements: literal.length ? literal : computed });
  }
  return out;
}

/** Every check recorded anywhere in the scanned sources (methods of the World's services included). */
function allChecks(): CheckSite[] {
  return sourceFiles().flatMap((f) =>
    checksIn({ file: relative(REPO_ROOT, f), line: 1, body: readFileSync(f, "utf8"), startOffset: 0 }),
  );
}

let cached: StepDefinition[] | undefined;

/** Every step definition with the checks it can record (its own and those of the functions it calls). */
export function stepDefinitions(): StepDefinition[] {
  if (cached) return cached;
  const blocks = sourceFiles().flatMap(blocksOf);
  const byName = new Map<string, Block[]>();
  for (const b of blocks) if (b.name) byName.set(b.name, [...(byName.get(b.name) ?? []), b]);
  const reach = (b: Block, seen: Set<Block>): CheckSite[] => {
    if (seen.has(b)) return [];
    seen.add(b);
    const own = checksIn(b);
    const called = [...byName.keys()].filter((n) => n !== b.name && new RegExp(`\\b${n}\\(`).test(b.body));
    return [...own, ...called.flatMap((n) => (byName.get(n) ?? []).flatMap((c) => reach(c, seen)))];
  };
  cached = blocks
    .filter((b) => b.pattern !== undefined)
    .map((b) => {
      const checks = reach(b, new Set());
      const unique = [...new Map(checks.map((c) => [`${c.file}:${c.line}`, c])).values()];
      return { file: b.file, line: b.line, pattern: b.pattern as string, checks: unique };
    });
  return cached;
}

function registry(): ParameterTypeRegistry {
  const r = new ParameterTypeRegistry();
  for (const { name, regexp } of PARAMETER_TYPES)
    r.defineParameterType(new ParameterType(name, regexp, String, (s) => s, false, false));
  return r;
}

type Compiled = { def: StepDefinition; exprs: (CucumberExpression | RegularExpression)[] };
const compiled = new WeakMap<StepDefinition[], Compiled[]>();

function compile(defs: StepDefinition[]): Compiled[] {
  let c = compiled.get(defs);
  if (!c) {
    const reg = registry();
    c = defs.map((def) => ({
      def,
      exprs: [def.pattern, `${def.pattern} {requirements}`].map((p) =>
        p.startsWith("^") ? new RegularExpression(new RegExp(p), reg) : new CucumberExpression(p, reg),
      ),
    }));
    compiled.set(defs, c);
  }
  return c;
}

/** The definition a step's text runs (patterns are registered with and without a `[AH-…]` suffix). */
export function definitionOf(text: string, defs = stepDefinitions()): StepDefinition | undefined {
  return compile(defs).find((c) => c.exprs.some((e) => e.match(text)))?.def;
}

export function trace(id: string): Trace | undefined {
  const requirement = loadRequirements().find((r) => r.id === id);
  if (!requirement) return undefined;
  const defs = stepDefinitions();
  const tagged = loadScenarios().filter((s: PlannedScenario) => s.tags.includes(`@${id}`));
  return {
    requirement,
    scenarios: tagged.map((s) => ({
      id: s.id,
      file: s.uri,
      line: s.line,
      steps: s.steps.map((st) => ({ ...st, definition: definitionOf(st.text, defs) })),
    })),
    namedBy: allChecks().filter((c) => Array.isArray(c.requirements) && c.requirements.includes(id)),
  };
}

/** The trace as `list --trace` prints it. */
export function formatTrace(t: Trace): string {
  const out = [`${t.requirement.id} (${t.requirement.level}) — ${t.requirement.title}`, "  docs/spec.md"];
  for (const s of t.scenarios) {
    out.push(`  scenario ${s.id}  ${s.file}:${s.line}`);
    for (const st of s.steps) {
      const where = st.definition ? `${st.definition.file}:${st.definition.line}` : "UNDEFINED";
      out.push(`    step "${st.text}"  ${s.file}:${st.line} → ${where}`);
      for (const c of st.definition?.checks ?? [])
        out.push(
          `      check ${s.id}#${c.id} [${c.requirements === "subject" ? "scenario's requirements" : typeof c.requirements === "string" ? c.requirements : c.requirements.join(", ")}]  ${c.file}:${c.line}`,
        );
    }
  }
  if (t.namedBy.length) {
    out.push(`  checks that name ${t.requirement.id} wherever they run:`);
    for (const c of t.namedBy) out.push(`    check …#${c.id}  ${c.file}:${c.line}`);
  }
  return out.join("\n");
}
