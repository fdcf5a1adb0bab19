// The harness's modules import each other without a cycle: runner → target,
// world → target, steps → world, never back (a cycle is how the runner and
// the World used to reach into each other). `npx vitest run --project unit
// harness/test/unit/import-cycles.test.ts` is the command that proves it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mjs)$/.test(f) ? [p] : [];
  });
}

/** Static and dynamic imports of harness modules (type-only imports included: they still couple modules). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, ".ts"));
    if (target.startsWith(SRC)) out.push(target);
  }
  return out;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, "visiting");
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

describe("import graph of harness/src", () => {
  it("has no cycle", () => {
    const graph = new Map(files(SRC).map((f) => [f, importsOf(f)]));
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(" → "));
    expect(cycles).toEqual([]);
  });

  it("has no cycle between the folders of the runner, the World, the target and the steps", () => {
    const folderOf = (f: string) => relative(SRC, f).split("/")[0] as string;
    const watched = new Set(["runner", "world", "target", "steps"]);
    const graph = new Map<string, string[]>();
    for (const f of files(SRC)) {
      const from = folderOf(f);
      if (!watched.has(from)) continue;
      const to = importsOf(f)
        .map(folderOf)
        .filter((d) => watched.has(d) && d !== from);
      graph.set(from, [...new Set([...(graph.get(from) ?? []), ...to])]);
    }
    expect(findCycles(graph)).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const g = new Map([
      ["runner/run.ts", ["target/instances.ts"]],
      ["target/instances.ts", ["runner/target.ts"]],
      ["runner/target.ts", ["runner/run.ts"]],
    ]);
    expect(findCycles(g)).toHaveLength(1);
  });
});
