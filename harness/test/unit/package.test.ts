// The published package: every module it ships finds its runtime dependencies
// among `dependencies` (a devDependency is absent after `npm install` of the
// tarball), it finds its own root from src/ and dist/ alike, and the control
// plane is cached outside node_modules.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir } from "../../src/clusters/local/build.js";
import { findPackageRoot, PACKAGE_ROOT } from "../../src/package-root.js";
import { missingRuntimeDependencies, runtimeImports } from "./helpers/runtime-deps.js";

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  version: string;
  devDependencies: Record<string, string>;
};

describe("package", () => {
  it("lists every module the shipped code loads at runtime in dependencies", () => {
    expect(missingRuntimeDependencies(PACKAGE_ROOT, pkg.dependencies)).toEqual([
      "harness/src/clusters/k3s/docker.ts: testcontainers",
      "harness/src/clusters/k3s/start.ts: @testcontainers/k3s",
    ]);
    // ...the k3s backend's only, optional (npm install --omit=optional leaves them out) and
    // loaded only when that backend runs: docker.ts imports testcontainers dynamically, and
    // start.ts is itself imported dynamically
    expect(
      missingRuntimeDependencies(PACKAGE_ROOT, { ...pkg.dependencies, ...pkg.optionalDependencies }),
    ).toEqual([]);
    const index = readFileSync(join(PACKAGE_ROOT, "harness/src/clusters/index.ts"), "utf8");
    expect(index).toMatch(/await import\("\.\/k3s\/start\.js"\)/);
    expect(index).not.toMatch(/^import .*k3s\/start/m);
    expect(readFileSync(join(PACKAGE_ROOT, "harness/src/clusters/k3s/docker.ts"), "utf8")).not.toMatch(
      /^import .*testcontainers/m,
    );
  });

  // npm ci refuses a package.json that names a package its lock file lacks, and an unpublished
  // package cannot be in the lock: the platform package becomes an optional dependency when
  // it is published, and until then is installed from its tarball (README).
  it("keeps the prebuilt control plane of this version in the repository, and out of the dependencies until published", () => {
    const platform = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, "packages/controlplane-linux-x64/package.json"), "utf8"),
    ) as { name: string; version: string; os: string[]; cpu: string[]; files: string[] };
    expect(pkg.optionalDependencies[platform.name]).toBeUndefined();
    expect(platform.version).toBe(pkg.version);
    expect([platform.os, platform.cpu]).toEqual([["linux"], ["x64"]]);
    expect(platform.files).toEqual(["bin/kube-controlplane", "manifest.json"]);
  });

  it("has every dependency of package.json in the lock file (what npm ci needs)", () => {
    const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const missing = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter(
      (name) => !lock.packages[`node_modules/${name}`],
    );
    expect(missing).toEqual([]);
    expect(lock.packages[""]).toMatchObject({ version: pkg.version });
  });

  it("would catch a runtime import that is only a devDependency", () => {
    const { "fast-check": _, ...withoutFastCheck } = pkg.dependencies;
    expect(missingRuntimeDependencies(PACKAGE_ROOT, withoutFastCheck)).toEqual(
      expect.arrayContaining([expect.stringMatching(/fuzz\/arbitraries\.ts: fast-check$/)]),
    );
  });

  it("finds runtime imports, not type-only ones", () => {
    const src = [
      'import type { A } from "type-only";',
      'import { type B, c } from "mixed";',
      'import fc from "fast-check";',
      'import "side-effect";',
      'const k = await import("testcontainers");',
      'export { x } from "@scope/pkg/sub";',
      'import { readFileSync } from "node:fs";',
      'import { y } from "./local.js";',
    ].join("\n");
    expect(runtimeImports(src).sort()).toEqual(
      ["@scope/pkg", "fast-check", "mixed", "side-effect", "testcontainers"].sort(),
    );
  });

  it("finds its root from the sources and from a dist/ tree", () => {
    const root = mkdtempSync(join(tmpdir(), "pkgroot-"));
    writeFileSync(join(root, "package.json"), "{}");
    const deep = join(root, "dist", "harness", "src", "spec");
    mkdirSync(deep, { recursive: true });
    expect(findPackageRoot(deep)).toBe(root);
    expect(findPackageRoot(root)).toBe(root);
    expect(existsDocsSpec(PACKAGE_ROOT)).toBe(true);
  });
});

const existsDocsSpec = (root: string) => statSync(join(root, "docs", "spec.md")).isFile();

describe("control-plane cache directory", () => {
  it("is AUTH_HEADERS_CACHE_DIR when set", () => {
    expect(cacheDir({ AUTH_HEADERS_CACHE_DIR: "/ci/cache", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe(
      "/ci/cache",
    );
  });
  it("is under XDG_CACHE_HOME when that is absolute", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "/x/cache" }, "/home/u")).toBe("/x/cache/auth-headers-conformance");
  });
  it("ignores a relative XDG_CACHE_HOME (invalid per the XDG spec) and falls back to ~/.cache", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "rel" }, "/home/u")).toBe("/home/u/.cache/auth-headers-conformance");
    expect(cacheDir({}, "/home/u")).toBe("/home/u/.cache/auth-headers-conformance");
  });
  it("is never inside the package (npm ci would wipe it)", () => {
    expect(cacheDir({}, "/home/u").startsWith(PACKAGE_ROOT)).toBe(false);
  });
});
