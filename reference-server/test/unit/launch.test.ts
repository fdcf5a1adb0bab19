// The checkout's launcher starts the server from a bundle keyed by its sources: an edited
// source must get a new bundle (never a stale one), and a bundle that cannot be built must
// leave the launcher on tsx rather than fail.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript launcher, no declarations
import { bundlePath, ensureBundle } from "../../bin/launch.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sources(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "launch-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("reference server bundles", () => {
  it("are keyed by the content of every source, not by its time", () => {
    const dir = sources({ "main.ts": 'import "./b.js";', "b.ts": "export const b = 1;" });
    const entry = join(dir, "main.ts");
    const first = bundlePath(entry, [dir]);
    utimesSync(join(dir, "b.ts"), new Date(0), new Date(0));
    expect(bundlePath(entry, [dir])).toBe(first);
    writeFileSync(join(dir, "b.ts"), "export const b = 2;");
    expect(bundlePath(entry, [dir])).not.toBe(first);
  });

  it("is not built from sources that do not compile (the launcher then runs them through tsx)", async () => {
    const dir = sources({ "main.ts": "export const = ;" });
    expect(await ensureBundle(join(dir, "main.ts"), [dir])).toBeUndefined();
  });
});
