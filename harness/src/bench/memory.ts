// `npm run bench -- memory`: 10,000 calls over 1,000 distinct credential sets
// (50 real tokens × 20 CA bundles: the cluster's CA with other CAs, in
// different orders), RSS and pool size of the reference server before, during
// and after. The pool must stay within its bound and RSS must level off.
import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { LeanMcp } from "../load/lean-mcp.js";
import { runPool } from "../load/stats.js";
import { makeCa } from "../oracles/pki.js";
import { type ChildStats, startBenchServer } from "./child.js";
import { benchCluster, intEnv, load, machine } from "./env.js";

const MiB = (b: number) => (b / 2 ** 20).toFixed(1);

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

export async function memoryBench(): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const total = intEnv("BENCH_MEMORY_CALLS", 10_000);
  const nTokens = intEnv("BENCH_MEMORY_TOKENS", 50);
  const nBundles = intEnv("BENCH_MEMORY_BUNDLES", 20);
  const concurrency = intEnv("BENCH_MEMORY_CONCURRENCY", 16);
  const poolMax = 64;
  console.log(`machine: ${machine()}; load average ${load()}`);
  const { cluster, stop } = await benchCluster(log);
  const srv = await startBenchServer({ pool: { maxEntries: poolMax } });
  try {
    log(`minting ${nTokens} token identities…`);
    const tokens: string[] = [];
    await runPool(nTokens, 8, async () => {
      const id = await cluster.mintTokenIdentity();
      tokens.push(id.headers[HEADER.authorization] as string);
    });
    const extras = await Promise.all([
      makeCa("bench extra CA 1"),
      makeCa("bench extra CA 2"),
      makeCa("bench extra CA 3"),
    ]);
    const pems = [cluster.info.caPem, ...extras.map((c) => c.certPem)];
    // bundles that contain the cluster's CA: every ordered selection, as many as asked
    const bundles: string[] = [];
    for (let mask = 0; mask < 8 && bundles.length < nBundles; mask++) {
      const chosen = [0, ...[1, 2, 3].filter((_, i) => mask & (1 << i))];
      for (const p of permutations(chosen)) {
        if (bundles.length >= nBundles) break;
        bundles.push(Buffer.from(p.map((i) => pems[i]).join("\n")).toString("base64"));
      }
    }
    const tuples = tokens.flatMap((t) =>
      bundles.map((ca) => ({
        [HEADER.server]: cluster.server,
        [HEADER.certificateAuthorityData]: ca,
        [HEADER.authorization]: t,
      })),
    );
    console.log(
      `distinct credential sets: ${tuples.length} (${tokens.length} tokens × ${bundles.length} CA bundles)`,
    );
    const mcp = await LeanMcp.open(srv.url, concurrency, false);
    const first = tuples[0] as Record<string, string>;
    await runPool(200, concurrency, async () => {
      await mcp.call("pods_list_in_namespace", { namespace: "conformance" }, first);
    });
    const before = await srv.stats();
    const samples: (ChildStats & { calls: number })[] = [{ ...before, calls: 0 }];
    let errors = 0;
    let firstError = "";
    let maxPool = before.pool;
    let maxIdle = before.idleSockets;
    const step = Math.max(1, Math.floor(total / 10));
    const t0 = performance.now();
    for (let done = 0; done < total; done += step) {
      await runPool(Math.min(step, total - done), concurrency, async (j) => {
        const i = done + j;
        // each set is used 10 times in a row (a tenant's burst), then the next: every set is used
        const tuple = tuples[Math.floor(i / 10) % tuples.length] as Record<string, string>;
        const r = await mcp.call("pods_list_in_namespace", { namespace: "conformance" }, tuple);
        if (r.isError) {
          errors++;
          firstError ||= r.text.slice(0, 160);
        }
      });
      const s = await srv.stats();
      maxPool = Math.max(maxPool, s.pool);
      maxIdle = Math.max(maxIdle, s.idleSockets);
      samples.push({ ...s, calls: Math.min(total, done + step) });
      log(
        `${Math.min(total, done + step)} calls: RSS ${MiB(s.rss)} MiB, heap ${MiB(s.heapUsed)} MiB, pool ${s.pool}, idle connections ${s.idleSockets}`,
      );
    }
    const wall = (performance.now() - t0) / 1000;
    await mcp.close();
    const after = samples[samples.length - 1] as ChildStats;
    const mid = samples[Math.floor(samples.length / 2)] as ChildStats;
    const peak = Math.max(...samples.map((s) => s.rss));
    console.log(
      `\n${total} calls in ${wall.toFixed(1)} s (${(total / wall).toFixed(0)} calls/s), errors ${errors}${firstError ? ` (${firstError})` : ""}`,
    );
    console.log("\n| calls | RSS MiB | heap used MiB | pool entries | idle connections |");
    console.log("|---|---|---|---|---|");
    for (const s of samples)
      console.log(`| ${s.calls} | ${MiB(s.rss)} | ${MiB(s.heapUsed)} | ${s.pool} | ${s.idleSockets} |`);
    const growth = (after.rss - before.rss) / 2 ** 20;
    const secondHalf = (after.rss - mid.rss) / 2 ** 20;
    console.log(
      `\nRSS before ${MiB(before.rss)} MiB, after ${MiB(after.rss)} MiB, peak ${MiB(peak)} MiB: growth ${growth.toFixed(1)} MiB (limit 50 MiB) → ${growth <= 50 ? "ok" : "TOO MUCH"}; second half ${secondHalf.toFixed(1)} MiB`,
    );
    console.log(
      `pool: max ${maxPool} entries (bound ${poolMax}) → ${maxPool <= poolMax ? "ok" : "OVER THE BOUND"}; max ${maxIdle} idle connections at a sample (budget 64; at most budget − 1 + one per entry)`,
    );
    console.log(`load average after: ${load()}`);
    if (errors > 0 || growth > 50 || maxPool > poolMax) process.exitCode = 1;
  } finally {
    await srv.close();
    await stop();
  }
}
