// The run's three clusters: read from --clusters-file, or started (local,
// k3s) / prepared (existing clusters) and written to a 0600 file in the
// run's private directory, which only the harness's workers read.
import { join } from "node:path";
import { readClusterFile } from "../clusters/file.js";
import type { ClusterInfo } from "../clusters/types.js";
import { writePrivate } from "../report/write.js";
import { ConfigError } from "./errors.js";
import type { Cleanups } from "./interrupt.js";
import type { ClusterSource } from "./plan.js";

export async function prepareClusters(
  source: ClusterSource,
  runDir: string,
  cleanups: Cleanups,
  log: (line: string) => void,
): Promise<{ file: string; infos: ClusterInfo[] }> {
  if (source.kind === "file") {
    const infos = readClusterFile(source.file);
    if (infos.length < 3)
      throw new ConfigError(`${source.file} lists ${infos.length} cluster(s); 3 are needed`);
    return { file: source.file, infos };
  }
  const { startClusters } = await import("../clusters/index.js");
  log(`starting 3 clusters (backend ${source.backend})…`);
  const t0 = Date.now();
  const running = await startClusters({
    count: 3,
    backend: source.backend,
    kubeconfig: source.kubeconfig,
    log,
  });
  cleanups.push(() => running.stop());
  const file = join(runDir, "clusters.json");
  writePrivate(file, JSON.stringify(running.clusters));
  log(`clusters ready in ${Math.round((Date.now() - t0) / 1000)} s`);
  return { file, infos: running.clusters };
}
