import { Command, InvalidArgumentError, Option } from "commander";
import { KubeconfigError, loadKubeconfig } from "./contexts/kubeconfig.js";
import { readJwks } from "./contexts/oauth.js";
import { parseAllowlist } from "./policy/allowlist.js";
import { DEFAULTS, type ReferenceServerOptions } from "./server.js";
import { allowedHostsFor } from "./transport/admission.js";
import { HEADER } from "./wire/constants.js";

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/**
 * Production command line. It has no way to pass faults: those exist only in
 * reference-server/test/faulty/.
 */
export function parseCli(argv: readonly string[]): ReferenceServerOptions {
  const program = new Command("auth-headers-server")
    .description(
      "Reference MCP server for the auth-headers provider: every tool call names its own Kubernetes API server and credentials (headers or _meta). Never reads KUBECONFIG, ~/.kube or in-cluster credentials.",
    )
    .option("--host <host>", "address to bind", DEFAULTS.host)
    .option(
      "--port <port>",
      "port to bind (0 = random; the bound URL is printed on stdout)",
      positiveInt("--port"),
      DEFAULTS.port,
    )
    .option("--stateless", "Streamable HTTP without sessions: every POST is served on its own", false)
    .option("--stdio", "serve MCP over stdio (only params._meta can carry the cluster)", false)
    .option(
      "--allowed-servers <list>",
      "comma-separated allowlist of API servers: host, host:port or CIDR (repeatable); default: any except link-local/unspecified",
      list,
    )
    .option("--allow-plain-http", "accept http:// API servers (unencrypted; tests only)", false)
    .option("--allow-insecure-tls", `accept ${HEADER.insecureSkipTlsVerify}: true (without a CA)`, false)
    .option(
      "--request-timeout <ms>",
      "timeout of each upstream call in milliseconds",
      positiveInt("--request-timeout"),
      DEFAULTS.requestTimeoutMs,
    )
    .option(
      "--max-header-size <bytes>",
      "largest total request header size accepted (beyond: HTTP 431)",
      positiveInt("--max-header-size"),
      DEFAULTS.maxHeaderSize,
    )
    .option(
      "--max-sessions <n>",
      "stateful sessions kept at once; beyond, the least recently used idle one is ended",
      positiveInt("--max-sessions"),
      DEFAULTS.maxSessions,
    )
    .option(
      "--session-idle-timeout <ms>",
      "a stateful session unused this long is ended (its client gets 404 and starts a new one)",
      positiveInt("--session-idle-timeout"),
      DEFAULTS.sessionIdleMs,
    )
    .option(
      "--max-header-lines <n>",
      "most request header lines accepted (beyond: HTTP 431; none is ever dropped unseen)",
      positiveInt("--max-header-lines"),
      DEFAULTS.maxHeaderLines,
    )
    .option(
      "--max-value-size <bytes>",
      "largest value of a cluster header or _meta key (beyond: [invalid-header])",
      positiveInt("--max-value-size"),
      DEFAULTS.maxValueSize,
    )
    .option(
      "--max-body-size <bytes>",
      "largest request body (HTTP; beyond: 413) or message line (stdio)",
      positiveInt("--max-body-size"),
      DEFAULTS.maxBodySize,
    )
    .option(
      "--body-timeout <ms>",
      "time for a request's headers, and then its body, to arrive (beyond: 408)",
      positiveInt("--body-timeout"),
      DEFAULTS.bodyTimeoutMs,
    )
    .option(
      "--max-connections <n>",
      "HTTP connections at once (each may hold up to --max-header-size while its headers arrive)",
      positiveInt("--max-connections"),
      DEFAULTS.maxConnections,
    )
    .option(
      "--max-in-flight <n>",
      "upstream requests in flight in all; more calls wait within their own timeout",
      positiveInt("--max-in-flight"),
      DEFAULTS.maxInFlight,
    )
    .option(
      "--max-in-flight-per-server <n>",
      "upstream requests in flight to one API server (address:port)",
      positiveInt("--max-in-flight-per-server"),
      DEFAULTS.maxInFlightPerServer,
    )
    .option(
      "--max-response-size <bytes>",
      "largest API server answer read (beyond: [upstream-error] naming the limit)",
      positiveInt("--max-response-size"),
      DEFAULTS.maxResponseSize,
    )
    .option(
      "--allowed-hosts <list>",
      "Host names (or host:port) served besides the loopback names, comma-separated, repeatable; * for any. Default: loopback names when bound to loopback, any Host otherwise",
      list,
    )
    .option(
      "--allowed-origins <list>",
      "Origins allowed to call (scheme://host[:port]), comma-separated, repeatable; * for any. Default: none (requests without Origin are always served)",
      list,
    )
    .option(
      "--kubeconfig <file>",
      `serve the known-clusters class: the clusters are this kubeconfig's contexts, each tool takes a \`context\` argument, the caller's token comes per request in Authorization or ${HEADER.authorization}; the kubeconfig's users are never used`,
    )
    .option(
      "--oauth-issuer <url>",
      "with --kubeconfig: validate every token's issuer (iss), signature, expiry and audience",
    )
    .option("--oauth-audience <aud>", "with --oauth-issuer: the audience (aud) a token must name")
    .option("--oauth-jwks <file>", "with --oauth-issuer: the issuer's published keys (a JWKS JSON file)")
    .addOption(
      new Option("--log-level <level>", "log level (JSON lines on stderr)")
        .choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
        .default("info"),
    )
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode));
  program.parse([...argv], { from: "user" });
  const o = program.opts<{
    host: string;
    port: number;
    stateless: boolean;
    stdio: boolean;
    allowedServers?: string[];
    allowPlainHttp: boolean;
    allowInsecureTls: boolean;
    requestTimeout: number;
    maxHeaderSize: number;
    maxSessions: number;
    sessionIdleTimeout: number;
    maxHeaderLines: number;
    maxValueSize: number;
    maxBodySize: number;
    bodyTimeout: number;
    maxConnections: number;
    maxInFlight: number;
    maxInFlightPerServer: number;
    maxResponseSize: number;
    allowedHosts?: string[];
    allowedOrigins?: string[];
    kubeconfig?: string;
    oauthIssuer?: string;
    oauthAudience?: string;
    oauthJwks?: string;
    logLevel: string;
  }>();
  // Every start-up error is a usage error: exit 2, the flag named.
  const fail = (message: string): never => program.error(message, { exitCode: 2 });
  if (o.maxHeaderSize < 65_536) fail("--max-header-size must be at least 65536 (AH-HDR-9)");
  if (o.requestTimeout < 1) fail("--request-timeout must be at least 1 ms");
  if (o.maxSessions < 1) fail("--max-sessions must be at least 1");
  if (o.sessionIdleTimeout < 1000) fail("--session-idle-timeout must be at least 1000 ms");
  if (o.maxHeaderLines < 100) fail("--max-header-lines must be at least 100");
  if (o.maxValueSize < 65_536)
    fail("--max-value-size must be at least 65536 (AH-HDR-9: CA bundles are large)");
  if (o.maxBodySize < 262_144) fail("--max-body-size must be at least 262144");
  if (o.bodyTimeout < 100) fail("--body-timeout must be at least 100 ms");
  if (o.maxConnections < 1) fail("--max-connections must be at least 1");
  if (o.maxInFlight < 1) fail("--max-in-flight must be at least 1");
  if (o.maxInFlightPerServer < 1) fail("--max-in-flight-per-server must be at least 1");
  if (o.maxResponseSize < 65_536) fail("--max-response-size must be at least 65536");
  if (o.allowedServers) {
    try {
      parseAllowlist(o.allowedServers);
    } catch (err) {
      fail(`--allowed-servers: ${(err as Error).message}`);
    }
  }
  for (const [flag, given] of [
    ["--allowed-hosts", o.allowedHosts],
    ["--allowed-origins", o.allowedOrigins],
  ] as const) {
    if (given && given.length === 0) fail(`${flag} names nothing (leave it out for the default)`);
  }
  try {
    allowedHostsFor(o.host, o.allowedHosts);
  } catch (err) {
    fail(`--allowed-hosts: ${(err as Error).message}`);
  }
  for (const origin of o.allowedOrigins ?? []) {
    if (origin !== "*" && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin))
      fail(`--allowed-origins: not an origin (scheme://host[:port]): ${origin}`);
  }
  const knownClusters = knownClustersOf(o, fail);
  return {
    ...(knownClusters ? { knownClusters } : {}),
    host: o.host,
    port: o.port,
    stateless: o.stateless,
    stdio: o.stdio,
    allowedServers: o.allowedServers,
    allowPlainHttp: o.allowPlainHttp,
    allowInsecureTls: o.allowInsecureTls,
    requestTimeoutMs: o.requestTimeout,
    maxHeaderSize: o.maxHeaderSize,
    maxSessions: o.maxSessions,
    sessionIdleMs: o.sessionIdleTimeout,
    maxHeaderLines: o.maxHeaderLines,
    maxValueSize: o.maxValueSize,
    maxBodySize: o.maxBodySize,
    bodyTimeoutMs: o.bodyTimeout,
    maxConnections: o.maxConnections,
    maxInFlight: o.maxInFlight,
    maxInFlightPerServer: o.maxInFlightPerServer,
    maxResponseSize: o.maxResponseSize,
    allowedHosts: o.allowedHosts,
    allowedOrigins: o.allowedOrigins,
    logLevel: o.logLevel,
  };
}

function knownClustersOf(
  o: {
    kubeconfig?: string;
    oauthIssuer?: string;
    oauthAudience?: string;
    oauthJwks?: string;
    stdio: boolean;
    allowPlainHttp: boolean;
    allowInsecureTls: boolean;
  },
  fail: (message: string) => never,
): ReferenceServerOptions["knownClusters"] {
  const oauthFlags = [o.oauthIssuer, o.oauthAudience, o.oauthJwks];
  if (!o.kubeconfig) {
    if (oauthFlags.some((f) => f !== undefined))
      fail("--oauth-issuer, --oauth-audience and --oauth-jwks need --kubeconfig");
    return undefined;
  }
  if (o.stdio) fail("--kubeconfig needs HTTP: over --stdio no request carries a caller's token");
  if (oauthFlags.some((f) => f !== undefined) && oauthFlags.some((f) => f === undefined))
    fail("--oauth-issuer, --oauth-audience and --oauth-jwks go together");
  let contexts: ReturnType<typeof loadKubeconfig> | undefined;
  try {
    contexts = loadKubeconfig(o.kubeconfig, o);
  } catch (err) {
    fail(
      err instanceof KubeconfigError
        ? err.message
        : `--kubeconfig ${o.kubeconfig}: ${(err as Error).message}`,
    );
  }
  if (!contexts) return undefined;
  if (!o.oauthIssuer || !o.oauthAudience || !o.oauthJwks) return { contexts };
  let jwks: ReturnType<typeof readJwks> | undefined;
  try {
    jwks = readJwks(o.oauthJwks);
  } catch (err) {
    fail(`--oauth-jwks ${o.oauthJwks}: ${(err as Error).message}`);
  }
  if (!jwks) return undefined;
  return { contexts, oauth: { issuer: o.oauthIssuer, audience: o.oauthAudience, jwks } };
}
