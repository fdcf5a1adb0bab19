import { createReferenceServer, DEFAULTS, type ReferenceServerOptions } from "./server.js";
import { allowedHostsFor, allowedOriginsFor } from "./transport/admission.js";

/** Starts a server, prints where it listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function run(options: ReferenceServerOptions): Promise<void> {
  const server = createReferenceServer(options);
  const where = await server.listen();
  if (!options.stdio) process.stdout.write(`listening on ${where}\n`);
  const allowlist = options.allowedServers ?? "off: any server except always-refused addresses";
  const hosts = allowedHostsFor(options.host ?? DEFAULTS.host, options.allowedHosts);
  const origins = allowedOriginsFor(options.allowedOrigins);
  server.logger.info(
    {
      where,
      stateless: !!options.stateless,
      allowlist,
      ...(options.stdio
        ? {}
        : {
            allowedHosts: hosts === "any" ? "any (the Host header is not checked)" : [...hosts],
            allowedOrigins: origins === "any" ? "any" : [...origins],
          }),
    },
    "started",
  );
  // Bound beyond loopback without --allowed-hosts, DNS rebinding is checked by Origin only.
  if (!options.stdio && hosts === "any" && !options.allowedHosts?.includes("*"))
    server.logger.warn(
      "the Host header is not checked: set --allowed-hosts to the names this server is reached by",
    );
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
