// Runs a server entry point of a checkout. A suite run starts the reference server a dozen
// times and the catalogue test some five hundred: through tsx each start transforms every
// source again (1.2 s, 1.8 s of CPU), from one esbuild bundle it takes 0.6 s. The bundle is
// keyed by the hash of every source it is built from, so an edited file is never served
// stale; where no bundle can be built or written (no esbuild, a provider uid that may not
// write the checkout), the sources run through tsx as before.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const checkout = fileURLToPath(new URL("../../", import.meta.url));
/** node_modules/.cache: where tools keep what they can rebuild, beside the packages a bundle imports. */
const bundles = join(checkout, "node_modules", ".cache", "auth-headers-server");

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The bundle file of `entry` built from the sources under `roots` as they are now. */
export function bundlePath(entry, roots) {
  const h = createHash("sha256");
  for (const file of roots.flatMap(sources))
    h.update(relative(checkout, file)).update("\0").update(readFileSync(file));
  return join(
    bundles,
    `${relative(checkout, entry).replaceAll(/[/.]/g, "-")}-${h.digest("hex").slice(0, 16)}.mjs`,
  );
}

/** Builds the bundle unless it exists; undefined when it cannot be built or written here. */
export async function ensureBundle(entry, roots) {
  const out = bundlePath(entry, roots);
  if (existsSync(out)) return out;
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined;
  }
  try {
    mkdirSync(dirname(out), { recursive: true });
    // written beside and renamed: a server starting meanwhile never imports half a file
    const tmp = `${out}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [entry],
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
    // the bundles of earlier versions of the same entry are never used again
    const prefix = basename(out).replace(/[0-9a-f]{16}\.mjs$/, "");
    for (const f of readdirSync(dirname(out)))
      if (f.startsWith(prefix) && f !== basename(out)) rmSync(join(dirname(out), f), { force: true });
    return out;
  } catch {
    return undefined;
  }
}

const at = (p) => fileURLToPath(new URL(p, import.meta.url));
/** The servers a checkout starts: each entry point with the folders of its sources. */
export const SERVERS = {
  main: { entry: at("../src/main.ts"), roots: [at("../src/")] },
  faulty: { entry: at("../test/faulty/faulty-server.ts"), roots: [at("../src/"), at("../test/faulty/")] },
};

/**
 * Builds every server's bundle as the user who may write the checkout: a provider started
 * under a uid of its own (the harness as root) cannot, and would run the sources through tsx.
 */
export async function prebuild() {
  const built = {};
  for (const [name, s] of Object.entries(SERVERS)) built[name] = await ensureBundle(s.entry, s.roots);
  return built;
}

/** Imports `entry` from its bundle, or through tsx when there is none. */
export async function launch(entry, roots) {
  const bundle = await ensureBundle(entry, roots);
  if (bundle) {
    await import(pathToFileURL(bundle).href);
    return;
  }
  (await import("tsx/esm/api")).register();
  await import(pathToFileURL(entry).href);
}
