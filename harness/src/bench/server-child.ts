// The reference server in its own process for measurements, configured by
// argv JSON (factory options). Answers {type:"stats"} on the IPC channel with
// RSS, heap and the pool size (the factory exposes `pool`).
import { createReferenceServer, type ReferenceServerOptions } from "../../../reference-server/src/server.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as ReferenceServerOptions;
const server = createReferenceServer({ port: 0, logLevel: "silent", ...opts });
const url = await server.listen();
process.send?.({ type: "ready", url });
process.on("message", (m: { type: string }) => {
  if (m.type === "stats") {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    const mu = process.memoryUsage();
    process.send?.({ type: "stats", rss: mu.rss, heapUsed: mu.heapUsed, pool: server.pool.size });
  } else if (m.type === "close") {
    void server.close().then(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
