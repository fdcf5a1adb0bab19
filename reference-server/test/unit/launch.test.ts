// The checkout's launcher starts the server from a bundle keyed by its sources: an edited
// source must get a new bundle (never a stale one), and a bundle that cannot be built must
// leave the launcher on tsx rather than fail.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript launcher, no declarations
import { ensureBundle } from "../../bin/launch.js";

const dirs: string[] = [];
const built: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const f of built.splice(0)) rmSync(f, { force: true });
});

function sources(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "launch-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("reference server bundles", () => {
  it("are keyed by the content of every source, not by its time", async () => {
    const dir = sources({ "main.ts": 'import "./b.js";', "b.ts": "export const b = 1;" });
    const entry = join(dir, "main.ts");
    const bundle = async () => {
      const out: string | undefined = await ensureBundle(entry, [dir]);
      if (out) built.push(out);
      return out;
    };
    const first = await bundle();
    expect(first).toMatch(/-[0-9a-f]{16}\.mjs$/);
    utimesSync(join(dir, "b.ts"), new Date(0), new Date(0));
    expect(await bundle()).toBe(first);
    writeFileSync(join(dir, "b.ts"), "export const b = 2;");
    expect(await bundle()).not.toBe(first);
  });

  it("is not built from sources that do not compile (the launcher then runs them through tsx)", async () => {
    const dir = sources({ "main.ts": "export const = ;" });
    expect(await ensureBundle(join(dir, "main.ts"), [dir])).toBeUndefined();
  });
});
