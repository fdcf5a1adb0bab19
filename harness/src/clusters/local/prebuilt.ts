// The control plane shipped prebuilt as a per-platform npm package (an
// optional dependency, like kubernetes-mcp-server's own binaries), so a first
// run needs neither Go nor a ten-minute build. It is used only when its
// manifest names the same sources as this harness and the binary's bytes match
// the recorded sha256; anything else falls back to the Go build.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { controlplaneSourceHash, KUBERNETES_VERSION } from "./source-hash.js";

const require = createRequire(import.meta.url);

export const PREBUILT_SCOPE = "@auth-headers-conformance";

const NODE_TO_PACKAGE: Record<string, string> = { x64: "x64", arm64: "arm64" };

/** The platform package's name for this machine, e.g. @auth-headers-conformance/controlplane-linux-x64. */
export function prebuiltPackageName(platform = process.platform, arch = process.arch): string {
  return `${PREBUILT_SCOPE}/controlplane-${platform}-${NODE_TO_PACKAGE[arch] ?? arch}`;
}

export interface PrebuiltManifest {
  kubernetesVersion: string;
  sourceHash: string;
  goVersion: string;
  binary: string;
  sha256: string;
}

export type PrebuiltLookup =
  | { found: true; bin: string; manifest: PrebuiltManifest }
  | { found: false; reason: string };

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Checks a platform package directory against the harness's own sources. */
export function checkPrebuilt(pkgDir: string, sourceHash = controlplaneSourceHash()): PrebuiltLookup {
  let manifest: PrebuiltManifest;
  try {
    manifest = JSON.parse(readFileSync(join(pkgDir, "manifest.json"), "utf8")) as PrebuiltManifest;
  } catch (e) {
    return { found: false, reason: `no readable manifest.json in ${pkgDir}: ${(e as Error).message}` };
  }
  if (manifest.kubernetesVersion !== KUBERNETES_VERSION || manifest.sourceHash !== sourceHash) {
    return {
      found: false,
      reason: `the prebuilt control plane in ${pkgDir} was built from other sources (${manifest.kubernetesVersion}, ${String(manifest.sourceHash).slice(0, 12)}; this harness: ${KUBERNETES_VERSION}, ${sourceHash.slice(0, 12)})`,
    };
  }
  const bin = join(pkgDir, manifest.binary);
  if (!existsSync(bin)) return { found: false, reason: `${bin} is missing` };
  // Hashed on every use (about a quarter second for ~100 MB) rather than remembered in a
  // stamp file: an install may be read-only, and a stamp could vouch for replaced bytes.
  if (sha256File(bin) !== manifest.sha256)
    return { found: false, reason: `${bin} does not match its recorded sha256 (${manifest.sha256})` };
  const st = statSync(bin);
  if ((st.mode & 0o111) === 0) {
    try {
      chmodSync(bin, 0o755);
    } catch {
      return { found: false, reason: `${bin} is not executable` };
    }
  }
  return { found: true, bin, manifest };
}

/** The installed platform package for this machine, if any and if it matches this harness. */
export function findPrebuilt(): PrebuiltLookup {
  const name = prebuiltPackageName();
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    return { found: false, reason: `${name} is not installed` };
  }
  return checkPrebuilt(dirname(pkgJson));
}
