// Only reachable through the `ambient-kubeconfig` defect: it demonstrates the forbidden
// fallback (AH-SRC-4) so the conformance suite can prove it catches it.
import { readFileSync } from "node:fs";
import { HEADER, type HeaderName } from "../wire/constants.js";

export async function ambientFields(): Promise<Map<HeaderName, string>> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const fields = new Map<HeaderName, string>();
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (cluster?.server) fields.set(HEADER.server, cluster.server);
  const ca =
    cluster?.caData ?? (cluster?.caFile ? readFileSync(cluster.caFile).toString("base64") : undefined);
  if (ca) fields.set(HEADER.certificateAuthorityData, ca);
  if (cluster?.skipTLSVerify) fields.set(HEADER.insecureSkipTlsVerify, "true");
  if (user?.token) fields.set(HEADER.authorization, user.token);
  if (user?.certData) fields.set(HEADER.clientCertificateData, user.certData);
  if (user?.keyData) fields.set(HEADER.clientKeyData, user.keyData);
  return fields;
}
