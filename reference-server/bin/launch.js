// Runs a server entry point of a checkout. A suite run starts the reference server a dozen
// times and the catalogue test some five hundred: through tsx each start transforms every
// source again (1.2 s, 1.8 s of CPU), from one esbuild bundle of its current sources
// (tools/source-bundle.mjs) it takes 0.6 s; where no bundle can be built or written (no
// esbuild, a provider uid that may not write the checkout), the sources run through tsx.
import { relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sourceBundle } from "../../tools/source-bundle.mjs";

const checkout = fileURLToPath(new URL("../../", import.meta.url));

/** The bundle of `entry` built from the sources under `roots` as they are now (tools/source-bundle.mjs). */
export function ensureBundle(entry, roots) {
  return sourceBundle({
    folder: "auth-headers-server",
    name: relative(checkout, entry).replaceAll(/[/.]/g, "-"),
    roots,
    entry,
  });
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
