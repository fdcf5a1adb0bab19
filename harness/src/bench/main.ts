// `npm run bench` (latency/throughput table) and `npm run bench -- memory`.
// Not a timed test: every phase is bounded by count and time and stops by itself.
import { latencyBench } from "./latency.js";
import { memoryBench } from "./memory.js";

const mode = process.argv[2] ?? "latency";
if (mode === "latency") await latencyBench();
else if (mode === "memory") await memoryBench();
else {
  process.stderr.write(`usage: npm run bench [-- latency|memory]\n`);
  process.exit(2);
}
