// Builds the local control plane (harness/controlplane, a Go module that
// embeds the upstream kube-apiserver, etcd and CSR signer) once per version
// into the user's cache directory (outside node_modules, which `npm ci` wipes).
// The cache key covers the Go sources, go.mod/go.sum and the Go version, so a
// changed pin or toolchain builds anew and an unchanged tree never rebuilds.
// A matching prebuilt platform package (prebuilt.ts) comes first: no Go needed.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { findPrebuilt } from "./prebuilt.js";
import {
  controlplaneFiles,
  controlplaneSource,
  KUBERNETES_VERSION,
  kubernetesVersion,
} from "./source-hash.js";

export { controlplaneSource, KUBERNETES_VERSION, kubernetesVersion };

/** Linker flags of every control-plane build; `version` is what `kube-controlplane -version` prints. */
export function controlplaneLdflags(version: string, extra: string[] = []): string {
  return [
    "-s",
    "-w",
    ...extra,
    `-X main.version=${version}`,
    `-X main.kubernetesVersion=${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
    "-X k8s.io/component-base/version.gitMajor=1",
    `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split(".")[1]}`,
  ].join(" ");
}

export class ControlPlaneBuildError extends Error {}

function goVersion(): string {
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: process.env });
  if (r.error || r.status !== 0) {
    throw new ControlPlaneBuildError(
      "Go is not installed or not on PATH, and the local control plane is built from Go modules.\n" +
        "Fix: install Go 1.26 or newer (https://go.dev/doc/install, or your package manager), " +
        "or run with --backend k3s where a Docker engine is available.",
    );
  }
  return r.stdout.trim();
}

export function cacheKey(): string {
  const h = createHash("sha256");
  h.update(KUBERNETES_VERSION);
  h.update(goVersion());
  for (const f of controlplaneFiles()) {
    h.update(f);
    h.update(readFileSync(join(controlplaneSource, f)));
  }
  return `${KUBERNETES_VERSION}-${h.digest("hex").slice(0, 12)}`;
}

/**
 * AUTH_HEADERS_CACHE_DIR, else $XDG_CACHE_HOME/auth-headers-conformance, else
 * ~/.cache/auth-headers-conformance. A relative XDG_CACHE_HOME is invalid per
 * the XDG spec and ignored.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.AUTH_HEADERS_CACHE_DIR) return env.AUTH_HEADERS_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".cache"), "auth-headers-conformance");
}

export function binaryPath(key = cacheKey()): string {
  return join(cacheDir(), "controlplane", key, "kube-controlplane");
}

/**
 * Returns the path of a control plane: the prebuilt platform package when it matches these
 * sources (AUTH_HEADERS_CONTROLPLANE=build skips it), else the cached Go build, building it
 * first if the cache has none.
 */
export async function ensureControlPlane(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  if (process.env.AUTH_HEADERS_CONTROLPLANE !== "build") {
    const prebuilt = findPrebuilt();
    if (prebuilt.found) return prebuilt.bin;
    if (!prebuilt.reason.endsWith("is not installed"))
      log(`not using the prebuilt control plane: ${prebuilt.reason}`);
  }
  const key = cacheKey();
  const bin = binaryPath(key);
  if (existsSync(bin)) return bin;
  const outDir = dirname(bin);
  mkdirSync(outDir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const ldflags = controlplaneLdflags(key);
  log(
    `building the local control plane (kube-apiserver ${KUBERNETES_VERSION}, etcd, CSR signer) into ${outDir}`,
  );
  log("a cold build takes about 10 minutes on 2 cores; later runs reuse the cache");
  const started = Date.now();
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn("go", ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", tmp, "."], {
      cwd: controlplaneSource,
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    let packages = 0;
    let tail = "";
    const timer = setInterval(() => {
      log(`  … ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)} s`);
    }, 30_000);
    child.stderr.on("data", (d: Buffer) => {
      const text = d.toString();
      tail = (tail + text).slice(-8000);
      packages += text.split("\n").filter((l) => l && !l.startsWith("#") && !l.includes(" ")).length;
    });
    child.on("error", (e) => {
      clearInterval(timer);
      reject(new ControlPlaneBuildError(`could not run go build: ${e.message}`));
    });
    child.on("close", (code) => {
      clearInterval(timer);
      if (code === 0) resolvePromise();
      else
        reject(new ControlPlaneBuildError(`go build of the control plane failed (exit ${code}):\n${tail}`));
    });
  });
  renameSync(tmp, bin);
  log(`control plane built in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}
