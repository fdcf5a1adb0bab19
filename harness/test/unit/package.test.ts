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
  devDependencies: Record<string, string>;
};

describe("package", () => {
  it("lists every module the shipped code loads at runtime in dependencies", () => {
    expect(missingRuntimeDependencies(PACKAGE_ROOT, pkg.dependencies)).toEqual([]);
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
