import { BlockList, isIP } from "node:net";
import { boundedMemo } from "../memo/bounded-memo.js";

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

/**
 * Asked on every call: BlockList.check builds native SocketAddress objects each time, so
 * answers are remembered. Only short keys are kept (an address is at most 47 characters), so
 * long host names, which are never IP literals, cannot fill memory.
 */
export const isAlwaysRefused = boundedMemo(1024, 64, (address: string): boolean => {
  const { address: a, family } = normalizeAddress(address);
  return isIP(a) !== 0 && ALWAYS_REFUSED.check(a, family);
});
