// `npm run bench`: direct @kubernetes/client-node (keep-alive agent) vs the
// reference server over Streamable HTTP (stateful, stateless; with and without
// connection reuse), list pods in a namespace, concurrency 1, 16, 64.
import { LeanMcp } from "../load/lean-mcp.js";
import { fmtMs } from "../load/stats.js";
import { type BenchServer, startBenchServer } from "./child.js";
import { directClient } from "./direct.js";
import { benchCluster, intEnv, load, machine } from "./env.js";
import { measure, type PhaseResult } from "./measure.js";

interface Variant {
  name: string;
  stateless: boolean;
  pool: boolean;
}

const VARIANTS: Variant[] = [
  { name: "reference stateful, reuse", stateless: false, pool: true },
  { name: "reference stateless, reuse", stateless: true, pool: true },
  { name: "reference stateful, no reuse", stateless: false, pool: false },
  { name: "reference stateless, no reuse", stateless: true, pool: false },
];

export async function latencyBench(): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const levels = (process.env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number);
  const callsAt = (c: number) => intEnv(`BENCH_CALLS_${c}`, c === 1 ? 400 : 2000);
  const warmup = intEnv("BENCH_WARMUP", 200);
  const maxMs = intEnv("BENCH_MAX_MS", 10_000);
  const namespace = "conformance";
  console.log(`machine: ${machine()}`);
  console.log(`load average before: ${load()}`);
  const { cluster, stop } = await benchCluster(log);
  const servers = new Map<string, BenchServer>();
  try {
    const id = await cluster.mintTokenIdentity();
    const token = (id.headers["kubernetes-authorization"] ?? "").replace(/^Bearer /, "");
    for (const v of VARIANTS) {
      servers.set(
        v.name,
        await startBenchServer({ stateless: v.stateless, pool: v.pool ? {} : { maxEntries: 0 } }),
      );
    }
    const rows: { name: string; c: number; r: PhaseResult; base: PhaseResult }[] = [];
    for (const c of levels) {
      const opts = { warmup, calls: callsAt(c), concurrency: c, maxMs };
      const direct = directClient(cluster.server, cluster.info.caPem, token, c);
      const base = await measure(opts, async () => {
        await direct.listPods(namespace);
        return undefined;
      });
      direct.close();
      rows.push({ name: "direct client-node (keep-alive)", c, r: base, base });
      log(`c=${c} direct: ${base.callsPerSec.toFixed(0)} calls/s p50 ${fmtMs(base.p50)} ms`);
      for (const v of VARIANTS) {
        const srv = servers.get(v.name) as BenchServer;
        const mcp = await LeanMcp.open(srv.url, c, v.stateless);
        const r = await measure(opts, async () => {
          const res = await mcp.call("pods_list_in_namespace", { namespace }, id.headers);
          if (res.isError || !res.text.includes("fixture-pod")) return res.text.slice(0, 200);
          return undefined;
        });
        await mcp.close();
        rows.push({ name: v.name, c, r, base });
        log(
          `c=${c} ${v.name}: ${r.callsPerSec.toFixed(0)} calls/s p50 ${fmtMs(r.p50)} ms, errors ${r.errors}`,
        );
      }
    }
    console.log(`load average after: ${load()}`);
    console.log(
      "\n| client | concurrency | calls | calls/s | p50 ms | p99 ms | p50 ÷ direct | calls/s ÷ direct | errors |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const { name, c, r, base } of rows) {
      console.log(
        `| ${name} | ${c} | ${r.n} | ${r.callsPerSec.toFixed(0)} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)} | ${(r.p50 / base.p50).toFixed(2)} | ${(r.callsPerSec / base.callsPerSec).toFixed(2)} | ${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 60)})` : ""} |`,
      );
    }
    const best = (c: number, key: "p50" | "callsPerSec") => {
      const cands = rows.filter((x) => x.c === c && x.name.startsWith("reference") && x.r.errors === 0);
      return cands.sort((a, b) => (key === "p50" ? a.r.p50 - b.r.p50 : b.r.callsPerSec - a.r.callsPerSec))[0];
    };
    const g1 = best(1, "p50");
    const g64 = best(64, "callsPerSec");
    if (g1) {
      const ratio = g1.r.p50 / g1.base.p50;
      console.log(
        `\ngoal p50 ≤ 1.5 × direct at concurrency 1: ${g1.name} ${ratio.toFixed(2)} × → ${ratio <= 1.5 ? "met" : "MISSED"}`,
      );
    }
    if (g64) {
      const ratio = g64.r.callsPerSec / g64.base.callsPerSec;
      console.log(
        `goal calls/s ≥ 0.7 × direct at concurrency 64: ${g64.name} ${ratio.toFixed(2)} × → ${ratio >= 0.7 ? "met" : "MISSED"}`,
      );
    }
  } finally {
    for (const s of servers.values()) await s.close();
    await stop();
  }
}
