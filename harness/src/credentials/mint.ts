// Real credentials, minted the way a cluster operator would: a ServiceAccount
// token from the TokenRequest API, and a client certificate from the CSR API
// (kubernetes.io/kube-apiserver-client), approved and signed by the cluster.
import { randomBytes } from "node:crypto";
import { CertificatesV1Api, CoreV1Api } from "@kubernetes/client-node";
import { FIXTURE_NAMESPACE } from "../clusters/fixtures.js";
import { adminKubeConfig } from "../clusters/kube.js";
import type { ClusterInfo, Identity } from "../clusters/types.js";
import { certHeaders, tokenHeaders } from "./headers.js";
import { b64, newCsr } from "./pem.js";

export const CERT_TENANT_GROUP = "conformance:cert-tenants";
const suffix = () => randomBytes(4).toString("hex");

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
  opts: { prefix?: string; expirationSeconds?: number } = {},
): Promise<TokenIdentity> {
  const core = adminKubeConfig(info).makeApiClient(CoreV1Api);
  const name = `${opts.prefix ?? "tenant"}-${suffix()}`;
  const sa = await core.createNamespacedServiceAccount({
    namespace: FIXTURE_NAMESPACE,
    body: { metadata: { name, labels: { "conformance.auth-headers/identity": "token" } } },
  });
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace: FIXTURE_NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: opts.expirationSeconds ?? 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${name} on ${info.name} returned no token`);
  return {
    kind: "token",
    user: `system:serviceaccount:${FIXTURE_NAMESPACE}:${name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${FIXTURE_NAMESPACE}`, "system:authenticated"],
    headers: tokenHeaders(info, token),
    serviceAccount: { namespace: FIXTURE_NAMESPACE, name, uid: sa.metadata?.uid ?? "" },
    token,
  };
}

export async function mintCertIdentity(
  info: ClusterInfo,
  opts: { prefix?: string; expirationSeconds?: number; timeoutMs?: number } = {},
): Promise<CertIdentity> {
  const certs = adminKubeConfig(info).makeApiClient(CertificatesV1Api);
  const user = `conformance:cert:${opts.prefix ?? "tenant"}-${suffix()}`;
  const { csrPem, keyPem } = await newCsr(user, [CERT_TENANT_GROUP]);
  const name = `conformance-${suffix()}${suffix()}`;
  const created = await certs.createCertificateSigningRequest({
    body: {
      metadata: { name },
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
      return {
        kind: "cert",
        user,
        groups: [CERT_TENANT_GROUP, "system:authenticated"],
        headers: certHeaders(info, certPem, keyPem),
        certPem,
        keyPem,
      };
    }
    const failed = csr.status?.conditions?.find((c) => c.type === "Failed" || c.type === "Denied");
    if (failed) throw new Error(`CSR ${name} on ${info.name} ${failed.type}: ${failed.message}`);
    if (Date.now() > deadline) throw new Error(`CSR ${name} on ${info.name} was not signed in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
