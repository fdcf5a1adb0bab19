// Run directories a killed run left behind. A run writes its pid into its run
// directory (`ahc-run-*`, which on the kubeconfig backend holds the admin
// kubeconfig and the list of minted secrets) and into the provider's sandbox
// (`ahc-provider-*`); the next run removes those whose process is gone. A
// directory without a pid file is not known to be ours and is left alone.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writePrivate } from "../report/write.js";

const OWNER = "owner.pid";

export function claimDir(dir: string): void {
  writePrivate(join(dir, OWNER), String(process.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the run and sandbox directories of runs that ended without cleaning up; answers their names. */
export function removeStaleRunDirs(base = tmpdir()): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return removed;
  }
  for (const e of entries) {
    if (!/^ahc-(run|provider)-/.test(e)) continue;
    let pid: number;
    try {
      pid = Number(readFileSync(join(base, e, OWNER), "utf8"));
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    rmSync(join(base, e), { recursive: true, force: true });
    removed.push(e);
  }
  return removed;
}
