// Every secret a ClusterInfo holds, for the reports' scrubber: keys the harness
// generated, and whatever credential the user's kubeconfig context carries.
import type { ClusterInfo } from "./types.js";

export function clusterSecrets(info: ClusterInfo): string[] {
  const out = [
    info.admin.keyPem,
    info.admin.certPem,
    info.clientCa.keyPem,
    info.serviceAccount.signingKeyPem,
  ];
  if (info.admin.kubeconfig) {
    const users = (JSON.parse(info.admin.kubeconfig) as { users?: { user?: Record<string, unknown> }[] })
      .users;
    for (const { user } of users ?? []) {
      for (const key of ["token", "client-key-data", "client-certificate-data", "password"]) {
        const v = user?.[key];
        if (typeof v !== "string") continue;
        out.push(v);
        if (key.endsWith("-data")) out.push(Buffer.from(v, "base64").toString("utf8"));
      }
    }
  }
  return out.filter((s): s is string => typeof s === "string" && s.length > 0);
}
