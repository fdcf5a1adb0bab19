// Latency figures and a bounded worker pool, shared by the @load/@fault
// scenarios and `npm run bench`.

export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  wallMs: number;
  callsPerSec: number;
}

/** Nearest-rank percentile of an ascending array (0 < p ≤ 100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(durationsMs: readonly number[], wallMs: number): LatencyStats {
  const s = [...durationsMs].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
    mean: s.length ? sum / s.length : Number.NaN,
    wallMs,
    callsPerSec: wallMs > 0 ? (s.length * 1000) / wallMs : Number.NaN,
  };
}

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

export function describeStats(label: string, s: LatencyStats): string {
  return `${label}: ${s.n} calls in ${(s.wallMs / 1000).toFixed(2)} s = ${s.callsPerSec.toFixed(0)} calls/s, p50 ${fmtMs(s.p50)} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms`;
}

export interface PoolOptions {
  /** Stop starting new tasks after this many ms (tasks in flight finish). */
  deadlineMs?: number;
}

/**
 * Runs task(0..n-1) with at most `concurrency` in flight. Bounded by count and,
 * optionally, by time: after deadlineMs no new task starts. Resolves to the
 * number of tasks started.
 */
export async function runPool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  opts: PoolOptions = {},
): Promise<number> {
  let next = 0;
  const stopAt = opts.deadlineMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.deadlineMs;
  const worker = async () => {
    for (;;) {
      if (next >= n || Date.now() > stopAt) return;
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  return next;
}

/** Small deterministic PRNG (mulberry32), so a load mix can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the environment variable (to replay) or a fresh one; always printed by the caller. */
export function seedFrom(envVar: string): number {
  const v = process.env[envVar];
  if (v !== undefined && v.trim() !== "") {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${envVar} must be an integer, got ${JSON.stringify(v)}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
