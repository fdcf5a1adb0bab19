// Builds the local control plane (harness/controlplane, a Go module that
// embeds the upstream kube-apiserver, etcd and CSR signer) once per version
// into a git-ignored cache. The cache key covers the Go sources, go.mod/go.sum
// and the Go version, so a changed pin or toolchain builds anew and an
// unchanged tree never rebuilds.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const KUBERNETES_VERSION = "v1.37.2";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../../..");
export const controlplaneSource = join(repoRoot, "harness", "controlplane");

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

export function cacheDir(): string {
  return process.env.AUTH_HEADERS_CACHE_DIR ?? join(repoRoot, ".cache");
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
