// The reference server in its own process for measurements, configured by
// argv JSON (factory options). Answers {type:"stats"} on the IPC channel with
// RSS, heap, the pool size and its idle connections (the factory exposes `pool`).
// Logs go to /dev/null at the level asked: the figures include the cost of logging.
import { pino } from "pino";
import { createReferenceServer, type ReferenceServerOptions } from "../../../reference-server/src/server.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as ReferenceServerOptions;
const server = createReferenceServer({
  port: 0,
  logLevel: "silent",
  logDestination: pino.destination({ dest: "/dev/null", sync: true }), // as the default (stderr, sync)
  ...opts,
});
const url = await server.listen();
process.send?.({ type: "ready", url });
process.on("message", (m: { type: string }) => {
  if (m.type === "stats") {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    const mu = process.memoryUsage();
    process.send?.({
      type: "stats",
      rss: mu.rss,
      heapUsed: mu.heapUsed,
      pool: server.pool.size,
      idleSockets: server.pool.idleSockets,
    });
  } else if (m.type === "close") {
    void server.close().then(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
