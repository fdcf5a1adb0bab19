// Measures the cost of per-call TLS handshakes: the same calls with the tuple-keyed pool
// (default) and with reuse disabled. Run: npx tsx reference-server/test/bench/measure-reuse.ts

import { call, codeOf } from "../unit/helpers/call.js";
import { testDeps } from "../unit/helpers/deps.js";
import { tokenFields } from "../unit/helpers/fixtures.js";
import { startFakeApiServer } from "../unit/helpers/https-upstream.js";

const CALLS = Number(process.env.CALLS ?? 400);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

async function measure(poolMaxEntries: number, concurrency: number) {
  const api = await startFakeApiServer();
  const deps = testDeps({ poolMaxEntries, requestTimeoutMs: 10_000 });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < CALLS) {
        next++;
        const t0 = performance.now();
        const r = await call(deps, { headers: tokenFields(api.url) });
        if (codeOf(r) !== "ok") throw new Error(`call failed: ${codeOf(r)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const total = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2);
  const result = {
    reuse: poolMaxEntries > 0 ? "pooled" : "none",
    concurrency,
    calls: CALLS,
    callsPerSec: Math.round((CALLS / total) * 1000),
    p50ms: p(0.5),
    p95ms: p(0.95),
    tcpConnections: api.connections,
  };
  deps.pool.close();
  await api.close();
  return result;
}

const rows = [];
for (const concurrency of [1, CONCURRENCY]) {
  await measure(64, concurrency); // warm-up (JIT, crypto)
  rows.push(await measure(0, concurrency), await measure(64, concurrency));
}
console.table(rows);
