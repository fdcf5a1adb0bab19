// Start-up of the reference server from its bundle (reference-server/bin/launch.js) against
// the baseline of the same sources through tsx, interleaved in one process so that machine
// load hits both alike: time until it listens, and the CPU it spent getting there.
// npm run bench:start [-- <rounds>]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// @ts-expect-error plain JavaScript launcher, no declarations
import { prebuild } from "../../../reference-server/bin/launch.js";

const at = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const VARIANTS = {
  "tsx (baseline)": ["--import", "tsx", at("reference-server/src/main.ts")],
  bundle: [at("reference-server/bin/auth-headers-server.js")],
} as const;

/** Milliseconds until "listening", and the child's CPU milliseconds (utime + stime) by then. */
function startOnce(args: readonly string[]): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const seen = (b: Buffer) => {
      if (!/listening on/.test(String(b))) return;
      const ms = performance.now() - t0;
      const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      const ticks = Number(stat[11]) + Number(stat[12]);
      p.kill();
      resolve({ ms, cpuMs: (ticks * 1000) / 100 });
    };
    p.stdout.on("data", seen);
    p.stderr.on("data", seen);
    p.on("exit", (code) => reject(new Error(`exited ${code} before listening`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const rounds = Number(process.argv[2] ?? 8);
await prebuild();
const got = new Map<string, { ms: number[]; cpu: number[] }>();
for (let i = 0; i < rounds; i++)
  for (const [name, args] of Object.entries(VARIANTS)) {
    const r = await startOnce(args);
    const g = got.get(name) ?? { ms: [], cpu: [] };
    g.ms.push(r.ms);
    g.cpu.push(r.cpuMs);
    got.set(name, g);
  }
const base = got.get("tsx (baseline)");
for (const [name, g] of got)
  console.log(
    `${name.padEnd(16)} median ${median(g.ms).toFixed(0)} ms to listen, ${median(g.cpu).toFixed(0)} ms CPU` +
      (base
        ? `  (×${(median(g.ms) / median(base.ms)).toFixed(2)} time, ×${(median(g.cpu) / median(base.cpu)).toFixed(2)} CPU)`
        : ""),
  );
