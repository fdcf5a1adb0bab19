// A checkout's TypeScript as one esbuild bundle, for what it starts many times (the reference
// server, the Cucumber workers' step definitions): loading through tsx transforms every module
// again on each start. The bundle lives in node_modules/.cache/<folder>/ (beside the packages it
// imports, which stay external) under the hash of every source under `roots`, so an edited file
// is never run stale. Used only in a checkout; the published package runs dist/.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const checkout = fileURLToPath(new URL("../", import.meta.url));

function sources(root) {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The bundle's path, built unless it exists: `entry` is a file or esbuild's `stdin` option.
 * Undefined when it cannot be built or written here (no esbuild, a uid that may not write the
 * checkout): the caller then loads the sources through tsx.
 */
export async function sourceBundle({ folder, name, roots, entry }) {
  try {
    const h = createHash("sha256");
    for (const file of roots.flatMap(sources))
      h.update(relative(checkout, file)).update("\0").update(readFileSync(file));
    const dir = join(checkout, "node_modules", ".cache", folder);
    const file = `${name}-${h.digest("hex").slice(0, 16)}.mjs`;
    const out = join(dir, file);
    if (existsSync(out)) return out;
    const { build } = await import("esbuild");
    mkdirSync(dir, { recursive: true });
    // written beside and renamed: a process starting meanwhile never imports half a file
    const tmp = `${out}.${process.pid}.tmp`;
    await build({
      ...(typeof entry === "string" ? { entryPoints: [entry] } : { stdin: entry }),
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
    // the bundles of earlier sources of the same entry are never used again
    for (const f of readdirSync(dir))
      if (f.startsWith(`${name}-`) && f !== file && !f.endsWith(".tmp"))
        rmSync(join(dir, f), { force: true });
    return out;
  } catch {
    return undefined;
  }
}
