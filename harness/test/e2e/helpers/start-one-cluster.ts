// Child process for the orphan test: starts one cluster, prints its pid and
// data dir, then waits to be killed without any chance to clean up.
import "reflect-metadata";
import { dirname } from "node:path";
import { startClusters } from "../../../src/clusters/index.js";

const running = await startClusters({ count: 1, backend: "local", names: [process.argv[2] ?? "orphan"] });
const info = running.clusters[0];
process.stdout.write(
  `${JSON.stringify({ pid: info?.pid, dir: info ? dirname(info.auditLogPath ?? "") : "" })}\n`,
);
setInterval(() => {}, 60_000);
