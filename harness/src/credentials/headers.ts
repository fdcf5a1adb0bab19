// Identities are handed around as ready header values, exactly what a client
// of a provider would send.
import { HEADER } from "../../../reference-server/src/wire/constants.js";
import type { ClusterInfo, IdentityHeaders } from "../clusters/types.js";
import { b64 } from "./pem.js";

export function targetHeaders(info: Pick<ClusterInfo, "server" | "caPem">): IdentityHeaders {
  return { [HEADER.server]: info.server, [HEADER.certificateAuthorityData]: b64(info.caPem) };
}

export function tokenHeaders(info: Pick<ClusterInfo, "server" | "caPem">, token: string): IdentityHeaders {
  return { ...targetHeaders(info), [HEADER.authorization]: `Bearer ${token}` };
}

export function certHeaders(
  info: Pick<ClusterInfo, "server" | "caPem">,
  certPem: string,
  keyPem: string,
): IdentityHeaders {
  return {
    ...targetHeaders(info),
    [HEADER.clientCertificateData]: b64(certPem),
    [HEADER.clientKeyData]: b64(keyPem),
  };
}

/** The same credential aimed at another cluster (the "token of cluster B on A" case). */
export function retarget(
  headers: IdentityHeaders,
  to: Pick<ClusterInfo, "server" | "caPem">,
): IdentityHeaders {
  return { ...headers, ...targetHeaders(to) };
}
