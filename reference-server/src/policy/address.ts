import { BlockList, isIP } from "node:net";
import { boundedMemo } from "../memo/bounded-memo.js";

// Cloud metadata endpoints hand out the host's credentials and unspecified addresses reach
// local services; neither is ever a legitimate API server (AH-NET-2).
const REFUSED_V4 = new BlockList();
REFUSED_V4.addSubnet("169.254.0.0", 16, "ipv4"); // link-local: AWS, Azure, GCP, OCI… metadata
REFUSED_V4.addSubnet("0.0.0.0", 8, "ipv4"); // unspecified / "this network": dials the local host
REFUSED_V4.addAddress("100.100.100.200", "ipv4"); // Alibaba Cloud metadata
REFUSED_V4.addAddress("192.0.0.192", "ipv4"); // Oracle Cloud (classic) metadata

const LINK_LOCAL_V6 = new BlockList();
LINK_LOCAL_V6.addSubnet("fe80::", 10, "ipv6");
LINK_LOCAL_V6.addAddress("::", "ipv6");

const METADATA_V6 = new BlockList();
METADATA_V6.addAddress("fd00:ec2::254", "ipv6"); // AWS metadata over IPv6
METADATA_V6.addAddress("fd20:ce::254", "ipv6"); // Google Cloud metadata over IPv6

/** Why an address is always refused; undefined when it is not. */
export type AddressVerdict =
  | "link-local or unspecified"
  | "cloud metadata"
  | "IPv6 embedding a refused IPv4"
  | undefined;

/** Unwraps IPv4-mapped IPv6 (::ffff:a.b.c.d): the address that is actually dialled. */
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
export const refusedReason = boundedMemo(1024, 64, (address: string): AddressVerdict => {
  const bare = address.replace(/^\[|\]$/g, "");
  const version = isIP(bare);
  if (version === 4) return v4Verdict(bare);
  if (version !== 6) return undefined;
  if (LINK_LOCAL_V6.check(bare, "ipv6")) return "link-local or unspecified";
  if (METADATA_V6.check(bare, "ipv6")) return "cloud metadata";
  const bytes = ipv6Bytes(bare);
  for (const v4 of embeddedIpv4(bytes))
    if (v4Verdict(v4) !== undefined) return "IPv6 embedding a refused IPv4";
  return undefined;
});

export function isAlwaysRefused(address: string): boolean {
  return refusedReason(address) !== undefined;
}

function v4Verdict(address: string): AddressVerdict {
  if (!REFUSED_V4.check(address, "ipv4")) return undefined;
  return address.startsWith("169.254.") || address.startsWith("0.")
    ? "link-local or unspecified"
    : "cloud metadata";
}

/** The 16 bytes of a valid IPv6 literal (zone id dropped, a trailing dotted quad allowed). */
function ipv6Bytes(text: string): Uint8Array {
  let s = text.split("%")[0] ?? "";
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = s.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

const dotted = (b: ArrayLike<number>, at: number, invert = 0) =>
  [0, 1, 2, 3].map((i) => ((b[at + i] ?? 0) ^ invert) & 0xff).join(".");

/**
 * The IPv4 addresses an IPv6 address carries by a standard mechanism, any of which a router
 * or translator may turn into a connection to that IPv4 address: IPv4-mapped ::ffff:0:0/96,
 * IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96 (except :: and ::1), NAT64 64:ff9b::/96
 * and the local-use 64:ff9b:1::/96 (RFC 8215; other prefix lengths and network-specific
 * prefixes cannot be told from the address), 6to4 2002::/16, and both Teredo fields
 * (2001::/32: server, and the client inverted).
 */
function embeddedIpv4(b: Uint8Array): string[] {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const word = (i: number) => ((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0);
  const found: string[] = [];
  if (zero(0, 10) && word(5) === 0xffff) found.push(dotted(b, 12));
  if (zero(0, 8) && word(4) === 0xffff && word(5) === 0) found.push(dotted(b, 12));
  if (zero(0, 12) && !(zero(12, 15) && (b[15] ?? 0) <= 1)) found.push(dotted(b, 12));
  if (word(0) === 0x64 && word(1) === 0xff9b && (word(2) === 0 || word(2) === 1) && zero(6, 12))
    found.push(dotted(b, 12));
  if (word(0) === 0x2002) found.push(dotted(b, 2));
  if (word(0) === 0x2001 && word(1) === 0) found.push(dotted(b, 4), dotted(b, 12, 0xff));
  return found;
}
