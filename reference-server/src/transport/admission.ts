import { isIP } from "node:net";

/** Why an HTTP request is refused before its body is read. */
export interface HttpRefusal {
  readonly rule: "header-lines" | "host" | "origin";
  readonly status: number;
  readonly message: string;
}

export interface AdmissionOptions {
  /** More header lines than this are refused (431): no line may be dropped unseen. */
  readonly maxHeaderLines: number;
  /** Host names (any port) and host:port pairs served; "any" when the Host is not checked. */
  readonly hosts: ReadonlySet<string> | "any";
  /** Origins served when a request carries one; "any" for all. */
  readonly origins: ReadonlySet<string> | "any";
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"];

/**
 * The Host names a server bound to `bindHost` answers to. Bound to loopback, only loopback
 * names: a DNS-rebinding page reaches it under the attacker's name, which a browser sends as
 * Host. Bound elsewhere, the names it is reached by cannot be known, so the Host is checked
 * only when `allowedHosts` names some ("*": never).
 */
export function allowedHostsFor(
  bindHost: string,
  allowedHosts: readonly string[] | undefined,
): ReadonlySet<string> | "any" {
  if (allowedHosts?.includes("*")) return "any";
  const loopback = isLoopback(bindHost);
  if (!loopback && !allowedHosts?.length) return "any";
  const hosts = new Set(LOOPBACK_HOSTS);
  for (const h of [bindHost, ...(allowedHosts ?? [])]) {
    const parsed = hostOf(h);
    if (!parsed) throw new Error(`not a host name or host:port: ${h}`);
    hosts.add(parsed.port ? `${parsed.name}:${parsed.port}` : parsed.name);
  }
  return hosts;
}

/** Origins that may call; none by default, since MCP clients outside a browser send no Origin. */
export function allowedOriginsFor(
  allowedOrigins: readonly string[] | undefined,
): ReadonlySet<string> | "any" {
  if (allowedOrigins?.includes("*")) return "any";
  return new Set((allowedOrigins ?? []).map((o) => o.trim().toLowerCase().replace(/\/$/, "")));
}

/**
 * Checks made from the raw header lines alone, cheapest first: the count (Node must be told to
 * keep every line, see HttpFrontend), the one Host line, the Origin if present. Messages never
 * quote the refused value.
 */
export function admission(rawHeaders: readonly string[], o: AdmissionOptions): HttpRefusal | undefined {
  const lines = rawHeaders.length / 2;
  if (lines > o.maxHeaderLines) {
    return {
      rule: "header-lines",
      status: 431,
      message: `Request Header Fields Too Large: more than ${o.maxHeaderLines} header lines`,
    };
  }
  if (o.hosts === "any" && o.origins === "any") return undefined;
  const hosts: string[] = [];
  const origins: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === "host") hosts.push(rawHeaders[i + 1] as string);
    else if (name.length === 6 && name.toLowerCase() === "origin") origins.push(rawHeaders[i + 1] as string);
  }
  if (o.hosts !== "any") {
    const host = hosts.length === 1 ? hostOf(hosts[0] as string) : undefined;
    if (host === undefined || !(o.hosts.has(host.name) || o.hosts.has(`${host.name}:${host.port}`))) {
      return {
        rule: "host",
        status: 403,
        message: "Forbidden: the Host header does not name this server (see --allowed-hosts)",
      };
    }
  }
  if (origins.length > 0 && o.origins !== "any") {
    const origin = origins.length === 1 ? (origins[0] as string).trim().toLowerCase() : "";
    if (!o.origins.has(origin)) {
      return {
        rule: "origin",
        status: 403,
        message: "Forbidden: requests from this Origin are not allowed (see --allowed-origins)",
      };
    }
  }
  return undefined;
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`, lower-cased, without a trailing dot. */
function hostOf(value: string): { name: string; port: string } | undefined {
  const v = value.trim().toLowerCase();
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  return { name: normalizeHost(m[1] ?? m[2] ?? ""), port: m[3] ?? "" };
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

function isLoopback(host: string): boolean {
  const h = normalizeHost(host);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1";
}
