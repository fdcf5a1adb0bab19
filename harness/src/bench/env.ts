// Where a benchmark runs: machine, load, and a cluster (fresh, or reused from a file).
import "reflect-metadata";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { readClusterFile } from "../clusters/file.js";
import { attach, type Cluster, startClusters } from "../clusters/index.js";

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${availableParallelism()} CPU(s) (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`;
}

export const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

/** BENCH_CLUSTERS_FILE (a `clusters up --out` file) reuses running clusters; otherwise one local cluster is started. */
export async function benchCluster(
  log: (l: string) => void,
): Promise<{ cluster: Cluster; stop(): Promise<void> }> {
  const file = process.env.BENCH_CLUSTERS_FILE;
  if (file) {
    const infos = readClusterFile(file);
    const info = infos[0];
    if (!info) throw new Error(`${file} lists no cluster`);
    log(`reusing cluster ${info.name} ${info.server} from ${file}`);
    return { cluster: attach(info), stop: async () => undefined };
  }
  log("starting one local cluster…");
  const running = await startClusters({ count: 1, backend: "local", log });
  const info = running.clusters[0];
  if (!info) throw new Error("no cluster started");
  return { cluster: attach(info), stop: () => running.stop() };
}

export function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}
