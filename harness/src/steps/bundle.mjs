// The step definitions of a checkout as one esbuild bundle, for the Cucumber workers: each
// worker otherwise loads some two hundred TypeScript modules through tsx (3.6 s of CPU before
// its first scenario, in every run of the suite). The bundle is keyed by the hash of every
// source it may contain (harness/src, and reference-server/src for the wire constants), so an
// edited file is never run stale; undefined when it cannot be built or written.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("./", import.meta.url));
const checkout = fileURLToPath(new URL("../../../", import.meta.url));
const ROOTS = [join(checkout, "harness", "src"), join(checkout, "reference-server", "src")];
const OUT_DIR = join(checkout, "node_modules", ".cache", "auth-headers-harness");

/** hooks first, then every `*.steps.ts` in name order: the order the unbundled loader uses. */
export function stepFiles() {
  const steps = readdirSync(here).filter((f) => f.endsWith(".steps.ts"));
  return ["hooks.ts", ...steps.sort()];
}

function bundleFile() {
  const h = createHash("sha256");
  for (const root of ROOTS)
    for (const e of readdirSync(root, { withFileTypes: true, recursive: true }).sort((a, b) =>
      join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
    ))
      if (e.isFile() && /\.(ts|mjs)$/.test(e.name)) {
        const file = join(e.parentPath, e.name);
        h.update(relative(checkout, file)).update("\0").update(readFileSync(file));
      }
  return join(OUT_DIR, `steps-${h.digest("hex").slice(0, 16)}.mjs`);
}

export async function stepsBundle() {
  try {
    const out = bundleFile();
    if (existsSync(out)) return out;
    const { build } = await import("esbuild");
    mkdirSync(OUT_DIR, { recursive: true });
    // written beside and renamed: the other worker never imports half a file
    const tmp = `${out}.${process.pid}.tmp`;
    await build({
      stdin: {
        contents: stepFiles()
          .map((f) => `import "./${f}";`)
          .join("\n"),
        resolveDir: here,
        loader: "ts",
        sourcefile: "steps-entry.ts",
      },
      outfile: tmp,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      logLevel: "silent",
    });
    renameSync(tmp, out);
    for (const f of readdirSync(OUT_DIR))
      if (f.startsWith("steps-") && f !== basename(out) && !f.endsWith(".tmp"))
        rmSync(join(OUT_DIR, f), { force: true });
    return out;
  } catch {
    return undefined;
  }
}
