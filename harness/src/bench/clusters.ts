// Figures of the cluster layer: warm start of two clusters, RSS per cluster,
// time to mint a token and a cert identity. Run: npm run bench:clusters
// (the control plane must be built; the first run builds it).
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { attach, startClusters } from "../clusters/index.js";
import { ensureControlPlane } from "../clusters/local/build.js";

const rounds = Number(process.env.ROUNDS ?? 3);
const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

await ensureControlPlane();
const starts: number[] = [];
const rss: number[] = [];
const mints: number[] = [];
const stops: number[] = [];
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  const running = await startClusters({ count: 2, backend: "local" });
  starts.push(performance.now() - t0);
  const [a] = running.clusters.map(attach);
  if (!a) throw new Error("no cluster");
  // Mint a few pairs and keep the median: the first pair warms caches.
  for (let j = 0; j < 5; j++) {
    const t1 = performance.now();
    await Promise.all([a.mintTokenIdentity(), a.mintCertIdentity()]);
    mints.push(performance.now() - t1);
  }
  for (const c of running.clusters) if (c.pid) rss.push(rssMiB(c.pid));
  const t2 = performance.now();
  await running.stop();
  stops.push(performance.now() - t2);
}
const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `rounds: ${rounds} (2 clusters each), ${process.env.HOSTNAME ?? ""} nproc=${(await import("node:os")).availableParallelism()}`,
);
console.log(
  `warm start of 2 clusters incl. fixtures: median ${f(median(starts))} (min ${f(Math.min(...starts))}, max ${f(Math.max(...starts))})`,
);
console.log(
  `RSS per cluster after minting: median ${median(rss).toFixed(0)} MiB (max ${Math.max(...rss).toFixed(0)} MiB)`,
);
console.log(`mint token + cert identity (parallel): median ${median(mints).toFixed(0)} ms`);
console.log(`stop of 2 clusters: median ${f(median(stops))}`);
