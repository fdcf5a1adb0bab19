import { BlockList, isIP } from "node:net";

// Cloud metadata endpoints live on link-local addresses; unspecified addresses
// reach local services. Neither is ever a legitimate API server (AH-NET-2).
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet("169.254.0.0", 16, "ipv4");
ALWAYS_REFUSED.addAddress("0.0.0.0", "ipv4");
ALWAYS_REFUSED.addSubnet("0.0.0.0", 8, "ipv4");
ALWAYS_REFUSED.addSubnet("fe80::", 10, "ipv6");
ALWAYS_REFUSED.addAddress("::", "ipv6");

/** Unwraps IPv4-mapped IPv6 (::ffff:169.254.169.254) so it cannot dodge the IPv4 rules. */
export function normalizeAddress(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const bare = address.replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return { address: mapped[1], family: "ipv4" };
  return { address: bare, family: isIP(bare) === 6 ? "ipv6" : "ipv4" };
}

// A pure function of the text, asked on every call: BlockList.check builds native
// SocketAddress objects each time, so answers are remembered (bounded, cleared when full).
const MEMO_MAX = 1024;
const memo = new Map<string, boolean>();

export function isAlwaysRefused(address: string): boolean {
  const known = memo.get(address);
  if (known !== undefined) return known;
  const { address: a, family } = normalizeAddress(address);
  const refused = isIP(a) !== 0 && ALWAYS_REFUSED.check(a, family);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(address, refused);
  return refused;
}
