// Admin access to a cluster, for the harness only. Built from ClusterInfo
// with loadFromOptions so nothing ambient (KUBECONFIG, ~/.kube) is ever read.
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import type { ClusterInfo } from "./types.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function adminKubeConfig(info: ClusterInfo): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: info.name, server: info.server, caData: b64(info.caPem), skipTLSVerify: false }],
    users: [
      { name: `${info.name}-admin`, certData: b64(info.admin.certPem), keyData: b64(info.admin.keyPem) },
    ],
    contexts: [{ name: info.name, cluster: info.name, user: `${info.name}-admin` }],
    currentContext: info.name,
  });
  return kc;
}

/** A kubeconfig file body with the admin identity: the bait of the ambient-credential trap. */
export function adminKubeconfigYaml(info: ClusterInfo): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: info.name, cluster: { server: info.server, "certificate-authority-data": b64(info.caPem) } },
    ],
    users: [
      {
        name: `${info.name}-admin`,
        user: {
          "client-certificate-data": b64(info.admin.certPem),
          "client-key-data": b64(info.admin.keyPem),
        },
      },
    ],
    contexts: [{ name: info.name, context: { cluster: info.name, user: `${info.name}-admin` } }],
    "current-context": info.name,
  });
}
