// Real credentials, minted the way a cluster operator would: a ServiceAccount
// token from the TokenRequest API, and a client certificate from the CSR API
// (kubernetes.io/kube-apiserver-client), approved and signed by the cluster.
import { randomBytes } from "node:crypto";
import { CertificatesV1Api, CoreV1Api } from "@kubernetes/client-node";
import { requireAbility } from "../clusters/abilities.js";
import { adminKubeConfig } from "../clusters/kube.js";
import { RUN_LABEL } from "../clusters/names.js";
import type { ClusterInfo, Identity } from "../clusters/types.js";
import { certHeaders, tokenHeaders } from "./headers.js";
import { b64, newCsr } from "./pem.js";
import { grantPrivateConfigMap } from "./private-configmap.js";

export const CERT_TENANT_GROUP = "conformance:cert-tenants";

/**
 * A private object proves identity where no audit log can be read; where one
 * can, the audit log proves it better and the object would only cost four
 * requests per identity.
 */
function needsPrivateObject(info: ClusterInfo): boolean {
  return !info.abilities.auditLog.available;
}
const suffix = () => randomBytes(4).toString("hex");
const runLabel = (info: ClusterInfo) => (info.runId ? { [RUN_LABEL]: info.runId } : undefined);

/** The CSR was approved but no certificate came: the cluster has no signer for kube-apiserver-client. */
export class CsrNotSignedError extends Error {}

export interface TokenIdentity extends Identity {
  kind: "token";
  serviceAccount: { namespace: string; name: string; uid: string };
  token: string;
}

export interface CertIdentity extends Identity {
  kind: "cert";
  certPem: string;
  keyPem: string;
}

export async function mintTokenIdentity(
  info: ClusterInfo,
  opts: {
    prefix?: string;
    expirationSeconds?: number;
    /** TokenRequest audiences; empty (the default) means the API server's own. */
    audiences?: string[];
  } = {},
): Promise<TokenIdentity> {
  const core = adminKubeConfig(info).makeApiClient(CoreV1Api);
  const namespace = info.namespaces.fixture;
  const name = `${opts.prefix ?? "tenant"}-${suffix()}`;
  const sa = await core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name, labels: { "conformance.auth-headers/identity": "token", ...runLabel(info) } } },
  });
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: opts.audiences ?? [], expirationSeconds: opts.expirationSeconds ?? 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${name} on ${info.name} returned no token`);
  const user = `system:serviceaccount:${namespace}:${name}`;
  const groups = ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
  return {
    kind: "token",
    user,
    groups,
    headers: tokenHeaders(info, token),
    serviceAccount: { namespace, name, uid: sa.metadata?.uid ?? "" },
    token,
    privateConfigMap: needsPrivateObject(info)
      ? await grantPrivateConfigMap(info, { kind: "ServiceAccount", namespace, name, user, groups })
      : undefined,
  };
}

export async function mintCertIdentity(
  info: ClusterInfo,
  opts: { prefix?: string; expirationSeconds?: number; timeoutMs?: number } = {},
): Promise<CertIdentity> {
  requireAbility(info, "signCerts");
  return mintCertIdentityUnchecked(info, opts);
}

/** Minting without the ability check: how the kubeconfig backend finds out whether the cluster signs. */
export async function mintCertIdentityUnchecked(
  info: ClusterInfo,
  opts: { prefix?: string; expirationSeconds?: number; timeoutMs?: number } = {},
): Promise<CertIdentity> {
  const certs = adminKubeConfig(info).makeApiClient(CertificatesV1Api);
  const user = `conformance:cert:${opts.prefix ?? "tenant"}-${suffix()}`;
  const { csrPem, keyPem } = await newCsr(user, [CERT_TENANT_GROUP]);
  const name = `conformance-${suffix()}${suffix()}`;
  const created = await certs.createCertificateSigningRequest({
    body: {
      metadata: { name, labels: runLabel(info) },
      spec: {
        request: b64(csrPem),
        signerName: "kubernetes.io/kube-apiserver-client",
        usages: ["digital signature", "client auth"],
        expirationSeconds: opts.expirationSeconds ?? 3600,
      },
    },
  });
  created.status = {
    ...created.status,
    conditions: [
      {
        type: "Approved",
        status: "True",
        reason: "ConformanceHarness",
        message: "approved by the conformance harness",
        lastUpdateTime: new Date(),
      },
    ],
  };
  await certs.replaceCertificateSigningRequestApproval({ name, body: created });
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const csr = await certs.readCertificateSigningRequest({ name });
    const issued = csr.status?.certificate;
    if (issued) {
      const certPem = Buffer.from(issued, "base64").toString("utf8");
      const groups = [CERT_TENANT_GROUP, "system:authenticated"];
      return {
        kind: "cert",
        user,
        groups,
        headers: certHeaders(info, certPem, keyPem),
        certPem,
        keyPem,
        privateConfigMap: needsPrivateObject(info)
          ? await grantPrivateConfigMap(info, { kind: "User", user, groups })
          : undefined,
      };
    }
    const failed = csr.status?.conditions?.find((c) => c.type === "Failed" || c.type === "Denied");
    if (failed) throw new Error(`CSR ${name} on ${info.name} ${failed.type}: ${failed.message}`);
    if (Date.now() > deadline)
      throw new CsrNotSignedError(
        `the cluster did not sign a kubernetes.io/kube-apiserver-client CSR within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
