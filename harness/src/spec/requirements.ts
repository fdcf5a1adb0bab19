// Requirement ids and levels, read from docs/spec.md (the normative text is the
// single source of truth; the harness never keeps its own copy of the list).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";

export type RequirementLevel = "MUST" | "SHOULD";

/**
 * The conformance classes of docs/spec.md: `tuple` (the call names its cluster) and
 * `known-clusters` (the server knows the clusters, the call picks a context).
 */
export const REQUIREMENT_CLASSES = ["tuple", "known-clusters"] as const;
export type RequirementClass = (typeof REQUIREMENT_CLASSES)[number];

/** The class every run judges until provider profiles declare theirs. */
export const DEFAULT_CLASS: RequirementClass = "tuple";

export interface Requirement {
  id: string;
  level: RequirementLevel;
  withdrawn: boolean;
  /** First sentence of the requirement text, for reports. */
  title: string;
  /** The whole requirement text (Markdown, one line), for the report page's matrix. */
  text?: string;
  /** The conformance class whose section holds it; absent means `tuple`. */
  class?: RequirementClass;
}

/** A requirement's class (`tuple` where none is recorded, as before classes existed). */
export const classOf = (r: Pick<Requirement, "class">): RequirementClass => r.class ?? DEFAULT_CLASS;

const CLASS_HEADING = /^#{1,6}\s.*\(class `([^`]*)`\)\s*$/;

export const REQUIREMENT_ID = /^AH-[A-Z]+-\d+$/;

export const REPO_ROOT = PACKAGE_ROOT;
export const SPEC_PATH = resolve(REPO_ROOT, "docs/spec.md");

/**
 * Parses `- **AH-AREA-N** text` bullets. "(SHOULD)", or SHOULD without MUST, makes a SHOULD.
 * A heading ending in "(class `name`)" puts the requirements below it in that class; the ones
 * before any such heading are `tuple`; any other heading of the same or a higher level ends it.
 */
export function parseRequirements(markdown: string): Requirement[] {
  const out: Requirement[] = [];
  const lines = markdown.split("\n");
  let current: { class: RequirementClass; level: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heading = /^(#{1,6})\s/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const named = CLASS_HEADING.exec(line)?.[1];
      if (named !== undefined) {
        if (!(REQUIREMENT_CLASSES as readonly string[]).includes(named))
          throw new Error(`docs/spec.md: unknown conformance class "${named}" in heading: ${line}`);
        current = { class: named as RequirementClass, level };
      } else if (current && level <= current.level) current = undefined;
      continue;
    }
    const m = /^\s*-\s+\*\*(AH-[A-Z]+-\d+)\*\*\s*(.*)$/.exec(line);
    if (!m) continue;
    let text = m[2] ?? "";
    // continuation lines (indented, not a new bullet)
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j] ?? "";
      if (!/^\s{2,}\S/.test(next) || /^\s*-\s/.test(next)) break;
      text += ` ${next.trim()}`;
    }
    const id = m[1] as string;
    const level: RequirementLevel =
      /\(SHOULD\)/.test(text) || (/\bSHOULD\b/.test(text) && !/\bMUST\b/.test(text)) ? "SHOULD" : "MUST";
    const withdrawn = /\*Withdrawn\*|\bWithdrawn\b/.test(text);
    const title = (
      text.replace(/^\(SHOULD\)\s*/, "").split(/(?<!\b(?:e\.g|i\.e|etc)\.)(?<=\.)\s/)[0] ?? ""
    ).trim();
    out.push({ id, level, withdrawn, title, text: text.trim(), class: current?.class ?? DEFAULT_CLASS });
  }
  return out;
}

export function loadRequirements(path = SPEC_PATH): Requirement[] {
  return parseRequirements(readFileSync(path, "utf8"));
}

export function specVersion(markdown: string): string | undefined {
  return /^Version\s+(\d+\.\d+\.\d+)/m.exec(markdown)?.[1];
}

/** The version of docs/spec.md the harness judges against (its one source). */
export function loadSpecVersion(path = SPEC_PATH): string {
  return specVersion(readFileSync(path, "utf8")) ?? "unknown";
}
