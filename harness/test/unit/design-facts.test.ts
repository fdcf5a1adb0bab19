// docs/design.md's folder table lists files a newcomer looks for; the folders
// are the source. A file added to one of these folders and missing from the
// table fails here.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const design = readFileSync("docs/design.md", "utf8");

/** The table row of design.md's folder table whose first cell is `path`. */
function row(path: string): string {
  const line = design.split("\n").find((l) => l.startsWith(`| \`${path}\``));
  if (!line) throw new Error(`docs/design.md has no row for ${path}`);
  return line;
}

/** The names in backticks of a row, and which of `wanted` it lacks. */
function missing(text: string, wanted: string[]): string[] {
  const named = new Set([...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  return wanted.filter((w) => !named.has(w));
}

describe("docs/design.md's folder table", () => {
  it("names every file of harness/src/steps/ (step files by their concern)", () => {
    const files = readdirSync("harness/src/steps");
    expect(files.length).toBeGreaterThan(8);
    const wanted = files.map((f) => f.replace(/\.steps\.ts$/, ""));
    expect(missing(row("harness/src/steps/"), wanted)).toEqual([]);
  });

  it("names every profile of harness/profiles/", () => {
    expect(missing(row("harness/profiles/"), readdirSync("harness/profiles"))).toEqual([]);
  });

  it("names every file of fixtures/", () => {
    expect(missing(row("fixtures/"), readdirSync("fixtures"))).toEqual([]);
  });

  it("would notice a step file it does not name", () => {
    expect(missing("`setup`, `hooks.ts`", ["setup", "hooks.ts", "hostile"])).toEqual(["hostile"]);
  });
});
