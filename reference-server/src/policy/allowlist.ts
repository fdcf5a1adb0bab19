import { BlockList, isIP } from "node:net";
import { normalizeAddress } from "./address.js";

/** Parsed `--allowed-servers`: hosts, host:port pairs and CIDRs. */
export interface Allowlist {
  readonly hosts: ReadonlyArray<{ host: string; port: number | undefined }>;
  readonly cidrs: BlockList;
  readonly hasCidrs: boolean;
}

/**
 * An empty list is an error, not "no allowlist": `--allowed-servers ""` (or `" , "`) written
 * to restrict the server must not leave it open to every server.
 */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const hosts: Array<{ host: string; port: number | undefined }> = [];
  const cidrs = new BlockList();
  let hasCidrs = false;
  const given = entries.map((e) => e.trim()).filter(Boolean);
  if (given.length === 0) throw new Error("the allowlist names no server");
  for (const raw of given) {
    if (raw.includes("/")) {
      const [base = "", bits = ""] = raw.split("/");
      const { address, family } = normalizeAddress(base);
      const prefix = Number(bits);
      const bitsMax = family === "ipv6" ? 128 : 32;
      if (isIP(address) === 0 || bits === "" || !Number.isInteger(prefix) || prefix < 0 || prefix > bitsMax)
        throw new Error(`invalid CIDR in allowlist: ${raw}`);
      cidrs.addSubnet(address, prefix, family);
      hasCidrs = true;
      continue;
    }
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
    if (bracketed) {
      hosts.push({ host: (bracketed[1] ?? "").toLowerCase(), port: portOf(bracketed[2], raw) });
      continue;
    }
    if (isIP(raw) === 6) {
      hosts.push({ host: raw.toLowerCase(), port: undefined });
      continue;
    }
    const colon = raw.lastIndexOf(":");
    if (colon > 0)
      hosts.push({ host: raw.slice(0, colon).toLowerCase(), port: portOf(raw.slice(colon + 1), raw) });
    else hosts.push({ host: raw.toLowerCase(), port: undefined });
  }
  return { hosts, cidrs, hasCidrs };
}

function portOf(text: string | undefined, raw: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`invalid port in allowlist: ${raw}`);
  return port;
}

/** A host/port entry matches by name; a CIDR matches when every resolved address is inside it. */
export function allowlistPermits(
  list: Allowlist,
  hostname: string,
  port: number,
  addresses: readonly string[],
): boolean {
  const host = hostname.toLowerCase();
  if (list.hosts.some((e) => e.host === host && (e.port === undefined || e.port === port))) return true;
  if (!list.hasCidrs || addresses.length === 0) return false;
  return addresses.every((a) => {
    const { address, family } = normalizeAddress(a);
    return list.cidrs.check(address, family);
  });
}
