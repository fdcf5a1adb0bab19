// The source files of a folder of the checkout, for tests that hold a fact to one source.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PACKAGE_ROOT } from "../../../src/package-root.js";

export interface SourceFile {
  /** Path from the package root. */
  path: string;
  text: string;
}

export function sourceFiles(dir: string, ending = /\.(ts|mts|mjs|js)$/): SourceFile[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => {
      const p = join(d, f);
      if (f === "node_modules") return [];
      return statSync(p).isDirectory() ? walk(p) : ending.test(f) ? [p] : [];
    });
  return walk(join(PACKAGE_ROOT, dir)).map((p) => ({
    path: relative(PACKAGE_ROOT, p),
    text: readFileSync(p, "utf8"),
  }));
}

/** `file:line` of each line of `files` that `re` matches. */
export function linesMatching(files: readonly SourceFile[], re: RegExp): string[] {
  return files.flatMap((f) =>
    f.text.split("\n").flatMap((line, i) => (re.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])),
  );
}

/** `s` matched literally inside a RegExp. */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
