// `--help` must stay fast: the modules the CLI entry loads before any command
// runs (its static import graph) may not pull in the heavy packages, which the
// commands import when they run.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package-root.js";

const HEAVY = [
  "@kubernetes/client-node",
  "@cucumber/cucumber",
  "@cucumber/gherkin",
  "@modelcontextprotocol/sdk",
  "testcontainers",
  "@testcontainers/k3s",
  "@peculiar/x509",
  "zod",
  "yaml",
  "pino",
  "undici",
  "fast-check",
];

/** Specifiers of static (non-type) imports and re-exports. */
function staticImports(source: string): string[] {
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
  return [...source.matchAll(re)].map((m) => m[1] as string);
}

/** Every package the static graph from `entry` reaches, with the file that imports it. */
function staticGraphPackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!spec.startsWith("node:")) packages.set(spec, file);
    }
  };
  visit(entry);
  return packages;
}

describe("CLI start-up", () => {
  it("loads no heavy package before a command runs", () => {
    const reached = staticGraphPackages(join(PACKAGE_ROOT, "harness/src/cli/main.ts"));
    const heavy = [...reached].filter(([p]) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));
    expect(heavy.map(([p, file]) => `${p} via ${file.slice(PACKAGE_ROOT.length + 1)}`)).toEqual([]);
    expect([...reached.keys()]).toContain("commander");
  });
});
