// From the user's kubeconfig and --contexts to one admin kubeconfig per
// cluster. Only the named contexts are used; nothing ambient (KUBECONFIG,
// ~/.kube/config, in-cluster config) is read.
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";

export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "KubeconfigError";
  }
}

export interface ExistingCluster {
  /** The context name, also the cluster's name in reports. */
  context: string;
  server: string;
  /** The CA the scenarios hand to the provider in kubernetes-certificate-authority-data. */
  caPem: string;
  /** The kubeconfig's name for the user (the API server may see another name). */
  userName: string;
  /** JSON kubeconfig holding this context only (its file references are absolute). */
  kubeconfig: string;
}

export { parseContextList } from "./context-list.js";

export function loadKubeconfigFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
  return kc;
}

export function selectContexts(
  kc: KubeConfig,
  contexts: string[],
  count: number,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ExistingCluster[] {
  const known = kc.getContexts().map((c) => c.name);
  const hint = `the kubeconfig has the contexts: ${known.join(", ") || "(none)"}`;
  if (contexts.length !== count)
    throw new KubeconfigError(
      `--contexts names ${contexts.length} context(s); this needs ${count} distinct clusters`,
      hint,
    );
  const dup = contexts.find((c, i) => contexts.indexOf(c) !== i);
  if (dup) throw new KubeconfigError(`context ${dup} is named twice in --contexts`, hint);
  const out = contexts.map((name) => {
    const ctx = kc.getContextObject(name);
    if (!ctx) throw new KubeconfigError(`no context ${name} in the kubeconfig`, hint);
    const cluster = kc.getCluster(ctx.cluster);
    const user = kc.getUser(ctx.user);
    if (!cluster) throw new KubeconfigError(`context ${name} names cluster ${ctx.cluster}, which is missing`);
    if (!user) throw new KubeconfigError(`context ${name} names user ${ctx.user}, which is missing`);
    if (cluster.skipTLSVerify)
      throw new KubeconfigError(
        `context ${name}: insecure-skip-tls-verify is set; the scenarios need the cluster's CA`,
        "use a kubeconfig with certificate-authority-data (kind, k3d and cloud clusters write one)",
      );
    let caPem: string | undefined;
    if (cluster.caData) caPem = Buffer.from(cluster.caData, "base64").toString("utf8");
    else if (cluster.caFile) caPem = readFile(cluster.caFile);
    if (!caPem?.includes("-----BEGIN CERTIFICATE-----"))
      throw new KubeconfigError(
        `context ${name}: cluster ${cluster.name} has no certificate-authority(-data); the scenarios hand the CA to the provider`,
      );
    const one = new KubeConfig();
    one.loadFromOptions({ clusters: [cluster], users: [user], contexts: [ctx], currentContext: ctx.name });
    return {
      context: name,
      server: cluster.server,
      caPem,
      userName: user.name,
      kubeconfig: one.exportConfig(),
    };
  });
  const sameServer = out.find((c, i) => out.findIndex((o) => o.server === c.server) !== i);
  if (sameServer)
    throw new KubeconfigError(
      `contexts ${out.find((o) => o.server === sameServer.server)?.context} and ${sameServer.context} reach the same server ${sameServer.server}; cluster switching needs distinct clusters`,
    );
  return out;
}
