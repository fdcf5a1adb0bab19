import { Resolver as DnsResolver, lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ToolError } from "../errors/tool-error.js";
import { type Faults, NO_FAULTS } from "../faults.js";
import { ERROR_CODE } from "../wire/constants.js";
import { type AddressVerdict, normalizeAddress, refusedReason } from "./address.js";
import { type Allowlist, allowlistPermits, parseAllowlist } from "./allowlist.js";

export type Resolver = (hostname: string) => Promise<string[]>;

export interface NetworkPolicyOptions {
  readonly allowedServers: readonly string[] | undefined;
  readonly resolver?: Resolver;
  readonly faults?: Faults;
}

/** Where a call may connect: the address checked here is the one dialled (no second DNS answer). */
export interface Destination {
  readonly hostname: string;
  readonly port: number;
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * c-ares first: getaddrinfo runs on libuv's small shared thread pool, so a tenant naming a
 * host whose DNS hangs could stall every other tenant's lookups (AH-NET-5). getaddrinfo is
 * used only after c-ares answered definitively (e.g. names only in /etc/hosts), never after
 * a DNS timeout.
 */
export const systemResolver: Resolver = async (hostname) => {
  // localhost names never go to DNS (RFC 6761); the hosts file answers them.
  if (/(^|\.)localhost\.?$/i.test(hostname)) return hostsLookup(hostname);
  const dns = new DnsResolver({ timeout: 2000, tries: 2 });
  const answers = await Promise.allSettled([dns.resolve4(hostname), dns.resolve6(hostname)]);
  const addresses = answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
  if (addresses.length > 0) return addresses;
  const timedOut = answers.some(
    (a) => a.status === "rejected" && (a.reason as { code?: string })?.code === "ETIMEOUT",
  );
  if (timedOut) throw Object.assign(new Error(`DNS timeout for ${hostname}`), { code: "ETIMEOUT" });
  return hostsLookup(hostname);
};

async function hostsLookup(hostname: string): Promise<string[]> {
  return (await lookup(hostname, { all: true, verbatim: true })).map((r) => r.address);
}

export class NetworkPolicy {
  private readonly allowlist: Allowlist | undefined;
  private readonly resolver: Resolver;
  private readonly faults: Faults;

  constructor(options: NetworkPolicyOptions) {
    // undefined means no allowlist; an empty list is refused by parseAllowlist.
    try {
      this.allowlist = options.allowedServers ? parseAllowlist(options.allowedServers) : undefined;
    } catch (err) {
      throw new Error(`allowedServers: ${(err as Error).message}`);
    }
    this.resolver = options.resolver ?? systemResolver;
    this.faults = options.faults ?? NO_FAULTS;
  }

  /**
   * The refusals that need no DNS: an always-refused IP literal, a server the allowlist cannot
   * match by name (or, for an IP literal, by CIDR). Throws a ToolError; check() still decides.
   */
  screen(server: URL): void {
    const hostname = server.hostname.replace(/^\[|\]$/g, "");
    const literal = this.refused(hostname);
    if (literal) throw refusedAddress(server, literal);
    if (!this.allowlist || (this.allowlist.hasCidrs && !isIP(hostname))) return;
    const port = server.port ? Number(server.port) : server.protocol === "http:" ? 80 : 443;
    const addresses = this.allowlist.hasCidrs ? [hostname] : [];
    if (!allowlistPermits(this.allowlist, hostname, port, addresses)) throw notAllowed(server);
  }

  /**
   * AH-NET-1/2: decide before any connection; resolves names so a DNS alias cannot reach
   * link-local. An IP literal is decided synchronously (no promise on the hot path); a name
   * returns a promise. Either way a refusal is a thrown (or rejected) ToolError.
   */
  check(server: URL): Destination | Promise<Destination> {
    const hostname = server.hostname.replace(/^\[|\]$/g, "");
    const port = server.port ? Number(server.port) : server.protocol === "http:" ? 80 : 443;
    const literal = this.refused(hostname);
    if (literal) throw refusedAddress(server, literal);

    if (this.allowlist && !this.allowlist.hasCidrs) {
      if (!allowlistPermits(this.allowlist, hostname, port, [])) throw notAllowed(server);
    }
    if (isIP(hostname)) return this.decide(server, hostname, port, [hostname]);
    return this.resolve(hostname).then((addresses) => this.decide(server, hostname, port, addresses));
  }

  private refused(address: string): AddressVerdict {
    return this.faults.addressVerdict(refusedReason(address), address);
  }

  private async resolve(hostname: string): Promise<string[]> {
    let addresses: string[];
    try {
      addresses = await this.resolver(hostname);
    } catch {
      throw new ToolError(ERROR_CODE.unreachable, `the API server host "${hostname}" could not be resolved.`);
    }
    if (addresses.length === 0) {
      throw new ToolError(ERROR_CODE.unreachable, `the API server host "${hostname}" has no address.`);
    }
    return addresses;
  }

  private decide(server: URL, hostname: string, port: number, addresses: string[]): Destination {
    for (const a of addresses) {
      const why = this.refused(a);
      if (why) throw refusedAddress(server, why);
    }
    if (this.allowlist) {
      if (!allowlistPermits(this.allowlist, hostname, port, addresses)) throw notAllowed(server);
    }
    const first = normalizeAddress(addresses[0] as string);
    return { hostname, port, address: first.address, family: first.family === "ipv6" ? 6 : 4 };
  }
}

function notAllowed(server: URL): ToolError {
  return new ToolError(
    ERROR_CODE.serverNotAllowed,
    `the API server "${server.host}" is not in this provider's --allowed-servers list (AH-NET-1).`,
  );
}

function refusedAddress(server: URL, why: NonNullable<AddressVerdict>): ToolError {
  return new ToolError(
    ERROR_CODE.serverNotAllowed,
    `the API server "${server.host}" is or resolves to a ${why} address, which is always refused (AH-NET-2).`,
  );
}
