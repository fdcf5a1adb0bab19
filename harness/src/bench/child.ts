// Starting and querying the bench server child (harness/src/bench/server-child.ts).
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReferenceServerOptions } from "../../../reference-server/src/server.js";

export interface ChildStats {
  rss: number;
  heapUsed: number;
  pool: number;
  /** Idle upstream connections held by the pool. */
  idleSockets: number;
}

export interface BenchServer {
  url: string;
  pid: number;
  stats(): Promise<ChildStats>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./server-child.ts", import.meta.url));

export async function startBenchServer(
  opts: Omit<ReferenceServerOptions, "logDestination" | "resolver" | "defects">,
  extraExecArgv: string[] = [],
): Promise<BenchServer> {
  const child: ChildProcess = fork(SCRIPT, [JSON.stringify(opts)], {
    execArgv: ["--import", "tsx", "--expose-gc", ...extraExecArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("bench server did not start in 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
    child.on("message", (m: { type: string; url?: string }) => {
      if (m.type === "ready" && m.url) {
        clearTimeout(t);
        resolve(m.url);
      }
    });
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    url,
    pid: child.pid ?? 0,
    stats: () =>
      new Promise<ChildStats>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("no stats in 10 s")), 10_000);
        const on = (m: { type: string } & ChildStats) => {
          if (m.type !== "stats") return;
          clearTimeout(t);
          child.off("message", on);
          resolve({ rss: m.rss, heapUsed: m.heapUsed, pool: m.pool, idleSockets: m.idleSockets });
        };
        child.on("message", on);
        child.send({ type: "stats" });
      }),
    async close() {
      if (child.exitCode !== null) return;
      child.send({ type: "close" });
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
