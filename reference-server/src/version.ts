// The server's version is the package's (package.json, the one source). Found by
// walking up from this module: it runs from reference-server/src/ in a checkout and
// from dist/reference-server/src/ in the published package. The server keeps its own
// few lines rather than import the harness's package-root.ts: the reference server
// stands alone and imports nothing from the harness.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function packageJson(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir))
    if (existsSync(join(dir, "package.json"))) return join(dir, "package.json");
  throw new Error(`no package.json above ${from}`);
}

export const SERVER_VERSION: string = JSON.parse(
  readFileSync(packageJson(dirname(fileURLToPath(import.meta.url))), "utf8"),
).version;
