// Admin access to a cluster, for the harness only. Built from ClusterInfo
// (loadFromOptions, or the one-context kubeconfig recorded for an existing
// cluster) so nothing ambient (KUBECONFIG, ~/.kube) is ever read.
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import type { ClusterInfo } from "./types.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function adminKubeConfig(info: ClusterInfo): KubeConfig {
  const kc = new KubeConfig();
  if (info.admin.kubeconfig) {
    kc.loadFromString(info.admin.kubeconfig);
    return kc;
  }
  const { certPem, keyPem } = certAdmin(info);
  kc.loadFromOptions({
    clusters: [{ name: info.name, server: info.server, caData: b64(info.caPem), skipTLSVerify: false }],
    users: [{ name: `${info.name}-admin`, certData: b64(certPem), keyData: b64(keyPem) }],
    contexts: [{ name: info.name, cluster: info.name, user: `${info.name}-admin` }],
    currentContext: info.name,
  });
  return kc;
}

function certAdmin(info: ClusterInfo): { certPem: string; keyPem: string } {
  const { certPem, keyPem } = info.admin;
  if (!certPem || !keyPem) throw new Error(`${info.name}: no admin certificate or kubeconfig recorded`);
  return { certPem, keyPem };
}

/**
 * A kubeconfig (YAML) with one admin context per cluster, named after the
 * cluster: what `clusters up --kubeconfig-out` writes for kubectl and for
 * `run --backend kubeconfig`. Only clusters the harness started have an admin
 * certificate to put there.
 */
export function adminKubeconfigYamlFor(infos: ClusterInfo[]): string {
  const entries = infos.map((info) => ({ info, ...certAdmin(info) }));
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: entries.map(({ info }) => ({
      name: info.name,
      cluster: { server: info.server, "certificate-authority-data": b64(info.caPem) },
    })),
    users: entries.map(({ info, certPem, keyPem }) => ({
      name: `${info.name}-admin`,
      user: { "client-certificate-data": b64(certPem), "client-key-data": b64(keyPem) },
    })),
    contexts: entries.map(({ info }) => ({
      name: info.name,
      context: { cluster: info.name, user: `${info.name}-admin` },
    })),
    "current-context": entries[0]?.info.name ?? "",
  });
}

/** A kubeconfig file body with the admin identity: the bait of the ambient-credential trap. */
export function adminKubeconfigYaml(info: ClusterInfo): string {
  if (info.admin.kubeconfig) return stringify(JSON.parse(info.admin.kubeconfig));
  return adminKubeconfigYamlFor([info]);
}
