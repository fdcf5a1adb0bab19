import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULTS, type ReferenceServerOptions } from "./server.js";

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
    .option("--allow-insecure-tls", "accept kubernetes-insecure-skip-tls-verify: true (without a CA)", false)
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
    logLevel: string;
  }>();
  if (o.maxHeaderSize < 65_536) program.error("--max-header-size must be at least 65536 (AH-HDR-9)");
  if (o.requestTimeout < 1) program.error("--request-timeout must be at least 1 ms");
  if (o.maxSessions < 1) program.error("--max-sessions must be at least 1");
  return {
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
    logLevel: o.logLevel,
  };
}
