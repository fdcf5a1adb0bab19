// Defects in the address policy (AH-NET-2).
import type { Faults } from "../../src/faults.js";

/**
 * embedded-ipv4-allowed: IPv6 forms that embed a refused IPv4 address (::ffff:a.b.c.d,
 * ::a.b.c.d, 64:ff9b::/96, 6to4, Teredo) are not refused. Exercise it ONLY with embeddings of
 * 0.0.0.0 as IPv4-mapped (`::ffff:0.0.0.0`), which dials the local host: any other embedding
 * would send a real packet to a metadata service or through a NAT64/6to4 gateway.
 */
export const embeddedIpv4Allowed: Partial<Faults> = {
  addressVerdict: (verdict) => (verdict === "IPv6 embedding a refused IPv4" ? undefined : verdict),
};
