// The reference server in its own process for measure-sessions.ts: answers {type:"stats"} on
// the IPC channel with RSS, heap (after a GC) and the number of sessions held.
import { createReferenceServer, type ReferenceServerOptions } from "../../src/server.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as ReferenceServerOptions;
const server = createReferenceServer({ port: 0, logLevel: "silent", ...opts });
const url = await server.listen();
process.send?.({ url });
process.on("message", (m: { type: string }) => {
  if (m.type !== "stats") return;
  (globalThis as { gc?: () => void }).gc?.();
  const mu = process.memoryUsage();
  process.send?.({ rss: mu.rss, heapUsed: mu.heapUsed, sessions: server.sessions });
});
process.on("disconnect", () => process.exit(0));
