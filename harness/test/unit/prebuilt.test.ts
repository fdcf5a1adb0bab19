// The prebuilt control plane is used only when its manifest names this
// harness's sources and its bytes match the recorded sha256.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPrebuilt, prebuiltPackageName } from "../../src/clusters/local/prebuilt.js";
import { controlplaneSourceHash, KUBERNETES_VERSION } from "../../src/clusters/local/source-hash.js";

function platformPackage(bytes: string, manifest: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "prebuilt-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "kube-controlplane"), bytes, { mode: 0o644 });
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({
      kubernetesVersion: KUBERNETES_VERSION,
      sourceHash: controlplaneSourceHash(),
      goVersion: "go1.26.8",
      binary: "bin/kube-controlplane",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      ...manifest,
    }),
  );
  return dir;
}

describe("prebuilt control plane", () => {
  it("is named per platform", () => {
    expect(prebuiltPackageName("linux", "x64")).toBe("@auth-headers-conformance/controlplane-linux-x64");
    expect(prebuiltPackageName("darwin", "arm64")).toBe(
      "@auth-headers-conformance/controlplane-darwin-arm64",
    );
  });

  it("is used when it matches the sources and its sha256, and made executable", () => {
    const r = checkPrebuilt(platformPackage("binary"));
    expect(r.found).toBe(true);
    if (r.found) expect(statSync(r.bin).mode & 0o111).not.toBe(0);
  });

  it("is not used when built from other sources", () => {
    const r = checkPrebuilt(platformPackage("binary", { sourceHash: "0".repeat(64) }));
    expect(r).toMatchObject({ found: false, reason: expect.stringMatching(/built from other sources/) });
  });

  it("is not used when its bytes differ from the recorded sha256", () => {
    const r = checkPrebuilt(platformPackage("binary", { sha256: "f".repeat(64) }));
    expect(r).toMatchObject({
      found: false,
      reason: expect.stringMatching(/does not match its recorded sha256/),
    });
  });

  it("is not used without a manifest", () => {
    expect(checkPrebuilt(mkdtempSync(join(tmpdir(), "prebuilt-"))).found).toBe(false);
  });
});
