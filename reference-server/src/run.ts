import { createReferenceServer, type ReferenceServerOptions } from "./server.js";

/** Starts a server, prints where it listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function run(options: ReferenceServerOptions): Promise<void> {
  const server = createReferenceServer(options);
  const where = await server.listen();
  if (!options.stdio) process.stdout.write(`listening on ${where}\n`);
  const allowlist = options.allowedServers ?? "off: any server except always-refused addresses";
  server.logger.info({ where, stateless: !!options.stateless, allowlist }, "started");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
