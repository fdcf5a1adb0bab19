// Builds the local control plane (harness/controlplane, a Go module that
// embeds the upstream kube-apiserver, etcd and CSR signer) once per version
// into the user's cache directory (outside node_modules, which `npm ci` wipes).
// The cache key covers the Go sources, go.mod/go.sum and the Go version, so a
// changed pin or toolchain builds anew and an unchanged tree never rebuilds.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { PACKAGE_ROOT } from "../../package-root.js";

export const controlplaneSource = join(PACKAGE_ROOT, "harness", "controlplane");

/** The `k8s.io/kubernetes` version go.mod requires: the one source of the kube-apiserver version. */
export function kubernetesVersion(goMod: string): string {
  const m = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!m?.[1]) throw new Error("harness/controlplane/go.mod requires no k8s.io/kubernetes version");
  return m[1];
}

export const KUBERNETES_VERSION = kubernetesVersion(readFileSync(join(controlplaneSource, "go.mod"), "utf8"));

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
  for (const f of readdirSync(controlplaneSource).sort()) {
    if (f.endsWith(".go") || f === "go.mod" || f === "go.sum") {
      h.update(f);
      h.update(readFileSync(join(controlplaneSource, f)));
    }
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

/** Returns the path of a built control plane, building it first if the cache has none. */
export async function ensureControlPlane(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  const key = cacheKey();
  const bin = binaryPath(key);
  if (existsSync(bin)) return bin;
  const outDir = dirname(bin);
  mkdirSync(outDir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const ldflags = [
    "-s",
    "-w",
    `-X main.version=${key}`,
    `-X main.kubernetesVersion=${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
    "-X k8s.io/component-base/version.gitMajor=1",
    `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split(".")[1]}`,
  ].join(" ");
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
