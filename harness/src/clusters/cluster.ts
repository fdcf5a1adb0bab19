// A handle on a running cluster, rebuilt from its ClusterInfo in any process.
import { AuditOracle } from "../audit/oracle.js";
import {
  forgeExpiredCert,
  forgeExpiredToken,
  forgeForeignCaCert,
  forgeValidCert,
  forgeValidToken,
  revokedToken,
} from "../credentials/forge.js";
import { retarget } from "../credentials/headers.js";
import { mintCertIdentity, mintTokenIdentity } from "../credentials/mint.js";
import { b64 } from "../credentials/pem.js";
import { whyUnavailable } from "./abilities.js";
import { adminKubeConfig, adminKubeconfigYaml } from "./kube.js";
import type { AbilityName, ClusterInfo, Identity, IdentityHeaders, PrivateConfigMap } from "./types.js";

export class Cluster {
  readonly audit: AuditOracle;
  constructor(readonly info: ClusterInfo) {
    this.audit = new AuditOracle(info);
  }
  get name() {
    return this.info.name;
  }
  get server() {
    return this.info.server;
  }
  /** Fixture namespaces on this cluster (fixed on clusters the harness started, run-scoped on existing ones). */
  get namespaces() {
    return this.info.namespaces;
  }
  can(ability: AbilityName): boolean {
    return whyUnavailable(this.info, ability) === undefined;
  }
  /** Why a check needing this ability is untestable here; undefined when it is available. */
  whyUnavailable(ability: AbilityName): string | undefined {
    return whyUnavailable(this.info, ability);
  }
  /** The ConfigMap only `identity` may read: read through a provider, it proves the provider used that identity. */
  privateConfigMap(identity: Identity): PrivateConfigMap {
    if (!identity.privateConfigMap)
      throw new Error(`${identity.user} has no private ConfigMap (only minted identities have one)`);
    return identity.privateConfigMap;
  }
  /** The CA as the kubernetes-certificate-authority-data header carries it. */
  get caHeader() {
    return b64(this.info.caPem);
  }
  kubeConfig() {
    return adminKubeConfig(this.info);
  }
  adminKubeconfigYaml() {
    return adminKubeconfigYaml(this.info);
  }
  mintTokenIdentity(opts?: Parameters<typeof mintTokenIdentity>[1]) {
    return mintTokenIdentity(this.info, opts);
  }
  mintCertIdentity(opts?: Parameters<typeof mintCertIdentity>[1]) {
    return mintCertIdentity(this.info, opts);
  }
  forgeExpiredToken() {
    return forgeExpiredToken(this.info);
  }
  forgeValidToken() {
    return forgeValidToken(this.info);
  }
  forgeExpiredCert() {
    return forgeExpiredCert(this.info);
  }
  forgeValidCert() {
    return forgeValidCert(this.info);
  }
  forgeForeignCaCert() {
    return forgeForeignCaCert(this.info);
  }
  revokedToken() {
    return revokedToken(this.info);
  }
  /** Same credential, this cluster's server and CA. */
  retarget(headers: IdentityHeaders) {
    return retarget(headers, this.info);
  }
}

export const attach = (info: ClusterInfo) => new Cluster(info);
