// A run killed with SIGKILL leaves its run directory (on the kubeconfig backend: the admin
// kubeconfig) behind; the next run removes it, and only what is known to be a dead run's.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimDir, removeStaleRunDirs } from "../../src/runner/stale.js";

describe("stale run directories", () => {
  it("are removed when their run is gone; a live run's and unclaimed ones stay", () => {
    const base = mkdtempSync(join(tmpdir(), "stale-"));
    const dead = spawnSync("/bin/sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
    for (const d of ["ahc-run-dead", "ahc-provider-dead", "ahc-run-live", "ahc-run-unclaimed", "other-dead"])
      mkdirSync(join(base, d));
    for (const d of ["ahc-run-dead", "ahc-provider-dead", "other-dead"]) {
      writeFileSync(join(base, d, "owner.pid"), dead);
      writeFileSync(join(base, d, "clusters.json"), "admin kubeconfig");
    }
    claimDir(join(base, "ahc-run-live"));
    expect(removeStaleRunDirs(base).sort()).toEqual(["ahc-provider-dead", "ahc-run-dead"]);
    expect(existsSync(join(base, "ahc-run-dead"))).toBe(false);
    for (const d of ["ahc-run-live", "ahc-run-unclaimed", "other-dead"])
      expect(existsSync(join(base, d))).toBe(true);
  });
});
