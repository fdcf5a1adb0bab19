// Defects in the address policy (AH-NET-2) and in when a cluster is first dialled.
import { isIPv4 } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Faults } from "../../src/faults.js";
import { HEADER } from "../../src/wire/constants.js";

/**
 * embedded-ipv4-allowed: IPv6 forms that embed a refused IPv4 address (::ffff:a.b.c.d,
 * ::a.b.c.d, 64:ff9b::/96, 6to4, Teredo) are not refused. Exercise it ONLY with embeddings of
 * 0.0.0.0 as IPv4-mapped (`::ffff:0.0.0.0`), which dials the local host: any other embedding
 * would send a real packet to a metadata service or through a NAT64/6to4 gateway.
 */
export const embeddedIpv4Allowed: Partial<Faults> = {
  addressVerdict: (verdict) => (verdict === "IPv6 embedding a refused IPv4" ? undefined : verdict),
};

/**
 * dial-before-validate: before validating a call's tuple, the provider checks that its
 * kubernetes-server is reachable (a TLS handshake, then close), so a call refused for a bad
 * value has already reached the cluster. Only the contact witness sees it: no request, no
 * credential, nothing in the audit log. Dials ONLY loopback servers: any other address must
 * stay undialled on this machine.
 */
export const dialBeforeValidate: Partial<Faults> = {
  selectTuple: (select) => async (call) => {
    const raw = await select(call);
    const server = raw.fields.get(HEADER.server);
    if (server) await handshakeLoopback(server);
    return raw;
  },
};

async function handshakeLoopback(server: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = (isIPv4(host) && host.startsWith("127.")) || host === "::1";
  if (url.protocol !== "https:" || !loopback) return;
  await new Promise<void>((done) => {
    const socket = tlsConnect({
      host,
      port: Number(url.port || 443),
      rejectUnauthorized: false,
      timeout: 1000,
    });
    const end = () => {
      socket.destroy();
      done();
    };
    socket.once("secureConnect", () => socket.end());
    socket.once("close", () => done());
    socket.once("timeout", end);
    socket.once("error", end);
  });
}
