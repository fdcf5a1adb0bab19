// `npm run bench`: direct @kubernetes/client-node (keep-alive agent) vs the
// reference server over Streamable HTTP (stateful, stateless; with and without
// connection reuse), list pods in a namespace, concurrency 1, 16, 64.
//
// Rounds interleave the baseline and every variant (direct, A, B, …, direct, A, B, …):
// on a shared 2-core machine one phase's figure moves ±15 % with whatever else runs, and a
// ratio taken against a baseline measured minutes apart would carry both errors. Each round's
// ratio is against that round's baseline; the table gives the median over rounds.

import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { bearerToken } from "../credentials/bearer.js";
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

const DIRECT = "direct client-node (keep-alive)";
const VARIANTS: Variant[] = [
  { name: "reference stateful, reuse", stateless: false, pool: true },
  { name: "reference stateless, reuse", stateless: true, pool: true },
  { name: "reference stateful, no reuse", stateless: false, pool: false },
  { name: "reference stateless, no reuse", stateless: true, pool: false },
];

interface Sample {
  r: PhaseResult;
  base: PhaseResult;
}

export async function latencyBench(): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const levels = (process.env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number);
  const callsAt = (c: number) => intEnv(`BENCH_CALLS_${c}`, c === 1 ? 400 : 2000);
  const warmup = intEnv("BENCH_WARMUP", 200);
  const maxMs = intEnv("BENCH_MAX_MS", 10_000);
  const rounds = Math.max(1, intEnv("BENCH_ROUNDS", 3));
  const logLevel = process.env.BENCH_LOG_LEVEL ?? "info";
  const namespace = "conformance";
  console.log(`machine: ${machine()}`);
  console.log(`load average before: ${load()}`);
  const { cluster, stop } = await benchCluster(log);
  const servers = new Map<string, BenchServer>();
  try {
    const id = await cluster.mintTokenIdentity();
    const token = bearerToken(id.headers[HEADER.authorization]);
    for (const v of VARIANTS) {
      servers.set(
        v.name,
        await startBenchServer({
          stateless: v.stateless,
          pool: v.pool ? {} : { maxEntries: 0 },
          logLevel,
        }),
      );
    }
    const samples = new Map<string, Sample[]>();
    const add = (name: string, c: number, s: Sample) => {
      const key = `${name}\u0000${c}`;
      samples.set(key, [...(samples.get(key) ?? []), s]);
    };
    for (const c of levels) {
      const opts = { warmup, calls: callsAt(c), concurrency: c, maxMs };
      for (let round = 1; round <= rounds; round++) {
        const direct = directClient(cluster.server, cluster.info.caPem, token, c);
        const base = await measure(opts, async () => {
          await direct.listPods(namespace);
          return undefined;
        });
        direct.close();
        add(DIRECT, c, { r: base, base });
        log(`c=${c} round ${round} direct: ${base.callsPerSec.toFixed(0)} calls/s p50 ${fmtMs(base.p50)} ms`);
        for (const v of VARIANTS) {
          const srv = servers.get(v.name) as BenchServer;
          const mcp = await LeanMcp.open(srv.url, c, v.stateless);
          const r = await measure(opts, async () => {
            const res = await mcp.call("pods_list_in_namespace", { namespace }, id.headers);
            if (res.isError || !res.text.includes("fixture-pod")) return res.text.slice(0, 200);
            return undefined;
          });
          await mcp.close();
          add(v.name, c, { r, base });
          log(
            `c=${c} round ${round} ${v.name}: ${r.callsPerSec.toFixed(0)} calls/s p50 ${fmtMs(r.p50)} ms (${(r.callsPerSec / base.callsPerSec).toFixed(2)} × direct), errors ${r.errors}`,
          );
        }
      }
    }
    console.log(`load average after: ${load()}`);
    console.log(
      `rounds: ${rounds} (figures are medians over rounds; ratios against each round's own baseline)`,
    );
    console.log(`reference server log level: ${logLevel} (to /dev/null)`);
    console.log(
      "\n| client | concurrency | calls | calls/s | p50 ms | p99 ms | p50 ÷ direct | calls/s ÷ direct | errors |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    const rows: { name: string; c: number; p50Ratio: number; rateRatio: number; errors: number }[] = [];
    for (const c of levels) {
      for (const name of [DIRECT, ...VARIANTS.map((v) => v.name)]) {
        const ss = samples.get(`${name}\u0000${c}`) ?? [];
        const errors = ss.reduce((a, s) => a + s.r.errors, 0);
        const firstError = ss.find((s) => s.r.firstError)?.r.firstError;
        const row = {
          name,
          c,
          p50Ratio: median(ss.map((s) => s.r.p50 / s.base.p50)),
          rateRatio: median(ss.map((s) => s.r.callsPerSec / s.base.callsPerSec)),
          errors,
        };
        rows.push(row);
        console.log(
          `| ${name} | ${c} | ${ss.reduce((a, s) => a + s.r.n, 0)} | ${median(ss.map((s) => s.r.callsPerSec)).toFixed(0)} | ${fmtMs(median(ss.map((s) => s.r.p50)))} | ${fmtMs(median(ss.map((s) => s.r.p99)))} | ${row.p50Ratio.toFixed(2)} | ${row.rateRatio.toFixed(2)} | ${errors}${firstError ? ` (${firstError.slice(0, 60)})` : ""} |`,
        );
      }
    }
    const ranges = (name: string, c: number, f: (s: Sample) => number) => {
      const v = (samples.get(`${name}\u0000${c}`) ?? []).map(f);
      return `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
    };
    const best = (c: number, key: "p50Ratio" | "rateRatio") => {
      const cands = rows.filter((x) => x.c === c && x.name !== DIRECT && x.errors === 0);
      return cands.sort((a, b) =>
        key === "p50Ratio" ? a.p50Ratio - b.p50Ratio : b.rateRatio - a.rateRatio,
      )[0];
    };
    const g1 = best(1, "p50Ratio");
    const g64 = best(64, "rateRatio");
    if (g1) {
      console.log(
        `\ngoal p50 ≤ 1.5 × direct at concurrency 1: ${g1.name} ${g1.p50Ratio.toFixed(2)} × (rounds ${ranges(g1.name, 1, (s) => s.r.p50 / s.base.p50)}) → ${g1.p50Ratio <= 1.5 ? "met" : "MISSED"}`,
      );
    }
    if (g64) {
      console.log(
        `goal calls/s ≥ 0.7 × direct at concurrency 64: ${g64.name} ${g64.rateRatio.toFixed(2)} × (rounds ${ranges(g64.name, 64, (s) => s.r.callsPerSec / s.base.callsPerSec)}) → ${g64.rateRatio >= 0.7 ? "met" : "MISSED"}`,
      );
    }
  } finally {
    for (const s of servers.values()) await s.close();
    await stop();
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
