import { createReferenceServer, DEFAULTS, type ReferenceServerOptions } from "./server.js";
import { allowedHostsFor, allowedOriginsFor } from "./transport/admission.js";

/** Starts a server, prints where it listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function run(options: ReferenceServerOptions): Promise<void> {
  const server = createReferenceServer(options);
  let where: string;
  try {
    where = await server.listen();
  } catch (err) {
    // An operator's problem (port taken, address not local), not a bug: one line, no stack.
    const e = err as NodeJS.ErrnoException;
    const at = `${options.host ?? DEFAULTS.host}:${options.port ?? DEFAULTS.port}`;
    const why =
      e.code === "EADDRINUSE"
        ? "address already in use"
        : e.code === "EADDRNOTAVAIL"
          ? "address not available"
          : e.message;
    process.stderr.write(
      `auth-headers-server: cannot listen on ${at}: ${why}${e.code ? ` (${e.code})` : ""}\n`,
    );
    process.exit(1);
  }
  if (!options.stdio) process.stdout.write(`listening on ${where}\n`);
  const allowlist = options.allowedServers ?? "off: any server except always-refused addresses";
  const hosts = allowedHostsFor(options.host ?? DEFAULTS.host, options.allowedHosts);
  const origins = allowedOriginsFor(options.allowedOrigins);
  server.logger.info(
    {
      where,
      stateless: !!options.stateless,
      ...(options.knownClusters
        ? {
            class: "known-clusters",
            contexts: [...options.knownClusters.contexts.keys()],
            tokens: options.knownClusters.oauth
              ? "OAuth-validated"
              : "passed through (the API server decides)",
          }
        : {}),
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
