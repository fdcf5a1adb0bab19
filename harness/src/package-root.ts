// The installed package's root (where package.json, features/, fixtures/ and
// docs/spec.md live). Found by walking up from this module rather than by a
// fixed number of "..": the module runs from harness/src/ in a checkout and
// from dist/harness/src/ in the published package.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** package.json's version: the one source of the harness version (CLI, reports, MCP clientInfo). */
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"),
).version;
