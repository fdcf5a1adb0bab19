// No orphans: stop() kills the control plane and removes its files, and a
// harness killed with SIGKILL (no cleanup code runs) still takes its
// clusters along (parent-death signal + stdin EOF in the control plane).
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startClusters } from "../../src/clusters/index.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitGone(pid: number, ms: number) {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe("teardown", () => {
  it("stop() leaves no process and no data dir", async () => {
    const running = await startClusters({ count: 1, backend: "local", names: ["teardown"] });
    const info = running.clusters[0];
    const pid = info?.pid;
    expect(pid).toBeTypeOf("number");
    const dir = dirname(info?.auditLogPath ?? "");
    expect(alive(pid as number)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    await running.stop();
    expect(await waitGone(pid as number, 5000)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it("a SIGKILLed harness leaves no control plane behind", async () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), "helpers", "start-one-cluster.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, "orphan"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        if (buf.includes("\n")) resolve(buf.split("\n")[0] ?? "");
      });
      child.on("exit", (code) => reject(new Error(`helper exited early (${code})`)));
    });
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    expect(alive(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    child.kill("SIGKILL");
    expect(await waitGone(pid, 15_000)).toBe(true);
    // The control plane removes its own data dir when its parent is gone.
    const removed = !existsSync(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(removed).toBe(true);
  });
});

describe("restartable cluster (for fault tests)", () => {
  it("kill refuses connections, restart comes back on the same URL with the same identities", async () => {
    const { startRestartableCluster, attach } = await import("../../src/clusters/index.js");
    const { directGet } = await import("../../src/credentials/direct.js");
    const rc = await startRestartableCluster("restartable");
    try {
      const c = attach(rc.info);
      const id = await c.mintTokenIdentity();
      const path = "/api/v1/namespaces/conformance/configmaps/cluster-identity";
      expect((await directGet(id.headers, path)).status).toBe(200);
      await rc.kill();
      expect((await directGet(id.headers, path)).errorCode).toBe("ECONNREFUSED");
      await rc.restart();
      const back = await directGet(id.headers, path);
      expect(back.status).toBe(200);
      expect((back.body as { data: { uid: string } }).data.uid).toBe(rc.info.identityUid);
      rc.freeze();
      expect((await directGet(id.headers, path, 500)).errorCode).toBe("ETIMEDOUT");
      rc.thaw();
      expect((await directGet(id.headers, path)).status).toBe(200);
    } finally {
      await rc.stop();
    }
  });
});
