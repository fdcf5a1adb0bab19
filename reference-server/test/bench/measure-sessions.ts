// Memory of idle stateful sessions: opens N sessions (initialize + initialized, no cluster
// headers, as anyone can) against the production server in its own process and reads its
// RSS and heap after a GC. Run: npx tsx reference-server/test/bench/measure-sessions.ts
// (SESSIONS=1000,5000 by default; EXTRA_ARGS passes flags to the server).
import { fork } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";

const COUNTS = (process.env.SESSIONS ?? "1000,5000").split(",").map(Number);
const SERVER = fileURLToPath(new URL("./session-server.ts", import.meta.url));

function post(url: string, body: string, sessionId?: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(sessionId ? { "mcp-session-id": sessionId } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.headers["mcp-session-id"] as string | undefined));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "idle", version: "0" } },
});
const INITIALIZED = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });

interface Stats {
  rss: number;
  heapUsed: number;
  sessions: number;
}

for (const n of COUNTS) {
  const child = fork(SERVER, [JSON.stringify({ maxSessions: n + 10 })], {
    execArgv: ["--import", "tsx", "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ask = (type: string) =>
    new Promise<Stats & { url: string }>((resolve) => {
      child.once("message", (m) => resolve(m as Stats & { url: string }));
      child.send({ type });
    });
  const { url } = await new Promise<{ url: string }>((resolve) =>
    child.once("message", (m) => resolve(m as { url: string })),
  );
  // Warm up (JIT, lazily loaded modules) with some sessions that are then ended by the cap? No:
  // warm-up sessions count too, so the baseline is taken after 50 of them.
  for (let i = 0; i < 50; i++) await post(url, INITIALIZED, await post(url, INIT));
  const before = await ask("stats");
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const id = await post(url, INIT);
    await post(url, INITIALIZED, id);
  }
  const took = performance.now() - started;
  const after = await ask("stats");
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(
    `${n} idle sessions (${(took / 1000).toFixed(1)} s to open): RSS ${mib(before.rss)} → ${mib(after.rss)} MiB (+${mib(after.rss - before.rss)}), heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB (+${mib(after.heapUsed - before.heapUsed)}); per session: RSS ${((after.rss - before.rss) / n / 1024).toFixed(1)} KiB, heap ${((after.heapUsed - before.heapUsed) / n / 1024).toFixed(1)} KiB; sessions held ${after.sessions}`,
  );
  child.kill();
}
