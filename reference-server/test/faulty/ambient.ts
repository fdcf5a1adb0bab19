// ambient-kubeconfig: with no tuple at all, falls back to KUBECONFIG / ~/.kube/config, the
// forbidden fallback of AH-SRC-4.
import { readFileSync } from "node:fs";
import type { Faults } from "../../src/faults.js";
import { HEADER, type HeaderName } from "../../src/wire/constants.js";

async function ambientFields(): Promise<Map<HeaderName, string>> {
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

export const ambientKubeconfig: Partial<Faults> = {
  selectTuple: (select) => async (call) => {
    const raw = await select(call);
    return raw.fields.size === 0 ? { source: "headers", fields: await ambientFields() } : raw;
  },
};
