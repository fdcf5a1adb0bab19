// Credentials that must be refused, built with the cluster's own keys so that
// exactly one thing is wrong with each (expiry, issuer, revocation). Each has
// a "valid" twin from the same code path, so a test can prove its premise:
// the twin is accepted, hence the refusal is for the one broken property.
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { requireAbility } from "../clusters/abilities.js";
import { adminKubeConfig } from "../clusters/kube.js";
import type { ClusterInfo, Identity } from "../clusters/types.js";
import { certHeaders, tokenHeaders } from "./headers.js";
import { CERT_TENANT_GROUP, mintTokenIdentity, type TokenIdentity } from "./mint.js";
import { newSelfSignedCa, signClientCert } from "./pem.js";

const DAY = 86_400_000;
const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** kube-apiserver's key id: base64url(SHA-256(DER SubjectPublicKeyInfo)). */
export function serviceAccountKeyId(signingKeyPem: string): string {
  const spki = createPublicKey(createPrivateKey(signingKeyPem)).export({ format: "der", type: "spki" });
  return b64url(createHash("sha256").update(spki).digest());
}

export function signServiceAccountToken(
  info: ClusterInfo,
  sa: { namespace: string; name: string; uid: string },
  window: { notBefore: Date; expires: Date },
  /** The `aud` claim; default: the issuer (the API server's own audience). */
  audiences?: readonly string[],
): string {
  requireAbility(info, "forgeExpiredToken");
  const { signingKeyPem, issuer } = info.serviceAccount;
  if (!signingKeyPem || !issuer) throw new Error(`${info.name}: no ServiceAccount signing key or issuer`);
  const key = createPrivateKey(signingKeyPem);
  // The local backend signs with ECDSA P-256, k3s with RSA: sign as the cluster does.
  const rsa = key.asymmetricKeyType === "rsa";
  const header = {
    alg: rsa ? "RS256" : "ES256",
    kid: serviceAccountKeyId(signingKeyPem),
    typ: "JWT",
  };
  const claims = {
    aud: audiences ?? [issuer],
    exp: Math.floor(window.expires.getTime() / 1000),
    iat: Math.floor(window.notBefore.getTime() / 1000),
    nbf: Math.floor(window.notBefore.getTime() / 1000),
    iss: issuer,
    jti: randomUUID(),
    sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
    "kubernetes.io": { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign("sha256", Buffer.from(input), rsa ? key : { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64url(sig)}`;
}

async function forgedToken(info: ClusterInfo, expired: boolean): Promise<TokenIdentity> {
  requireAbility(info, "forgeExpiredToken");
  const real = await mintTokenIdentity(info, { prefix: expired ? "expired" : "forged-valid" });
  const now = Date.now();
  const window = expired
    ? { notBefore: new Date(now - 2 * DAY), expires: new Date(now - DAY) }
    : { notBefore: new Date(now - 60_000), expires: new Date(now + DAY) };
  const token = signServiceAccountToken(info, real.serviceAccount, window);
  return { ...real, token, headers: tokenHeaders(info, token) };
}

/** A token signed with the cluster's real key for an existing ServiceAccount, expired a day ago. */
export const forgeExpiredToken = (info: ClusterInfo) => forgedToken(info, true);
/** Premise twin of forgeExpiredToken: same signer, valid window. Must be accepted. */
export const forgeValidToken = (info: ClusterInfo) => forgedToken(info, false);

async function clientCert(info: ClusterInfo, kind: "expired" | "valid" | "foreign"): Promise<Identity> {
  const user = `conformance:cert:${kind}-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  if (kind !== "foreign") requireAbility(info, "forgeExpiredCert");
  const issuer = kind === "foreign" ? await newSelfSignedCa("foreign-ca") : ownClientCa(info);
  const { certPem, keyPem } = await signClientCert({
    commonName: user,
    organizations: [CERT_TENANT_GROUP],
    notBefore: kind === "expired" ? new Date(now - 2 * DAY) : new Date(now - 60_000),
    notAfter: kind === "expired" ? new Date(now - DAY) : new Date(now + DAY),
    issuerCertPem: issuer.certPem,
    issuerKeyPem: issuer.keyPem,
  });
  return {
    kind: "cert",
    user,
    groups: [CERT_TENANT_GROUP, "system:authenticated"],
    headers: certHeaders(info, certPem, keyPem),
  };
}

function ownClientCa(info: ClusterInfo): { certPem: string; keyPem: string } {
  const { certPem, keyPem } = info.clientCa;
  if (!certPem || !keyPem) throw new Error(`${info.name}: no client CA key`);
  return { certPem, keyPem };
}

/** Signed by the cluster's client CA, expired a day ago. */
export const forgeExpiredCert = (info: ClusterInfo) => clientCert(info, "expired");
/** Premise twin of forgeExpiredCert: same CA and code path, valid now. Must be accepted. */
export const forgeValidCert = (info: ClusterInfo) => clientCert(info, "valid");
/** Valid dates, but signed by a CA the cluster has never seen. */
export const forgeForeignCaCert = (info: ClusterInfo) => clientCert(info, "foreign");

/** A real token whose ServiceAccount has been deleted: the API server must refuse it. */
export async function revokedToken(info: ClusterInfo): Promise<TokenIdentity> {
  const id = await mintTokenIdentity(info, { prefix: "revoked" });
  const core = adminKubeConfig(info).makeApiClient(CoreV1Api);
  await core.deleteNamespacedServiceAccount({
    name: id.serviceAccount.name,
    namespace: id.serviceAccount.namespace,
  });
  return id;
}
