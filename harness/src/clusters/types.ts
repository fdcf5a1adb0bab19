// The contract between cluster backends and everything that uses clusters
// (vitest suites, the Cucumber world, the CLI). Backends differ in how a
// cluster starts; once started, every cluster is described by ClusterInfo,
// which is plain JSON so it can cross process boundaries (vitest workers,
// Cucumber workers, `clusters up --out`).

export type BackendName = "local" | "k3s" | "kubeconfig";
/** `auto` = k3s when a Docker engine answers, else local; `kubeconfig` is never chosen automatically. */
export type BackendChoice = BackendName | "auto";

/** Serializable description of a running cluster. Contains secrets: write it only to 0600 files. */
export interface ClusterInfo {
  name: string;
  backend: BackendName;
  /** https://127.0.0.1:PORT (local, k3s) or the kubeconfig's server URL. */
  server: string;
  /** PEM of the CA that signed the API server's serving certificate. */
  caPem: string;
  /** How the harness itself reaches the cluster as an administrator; never handed to a provider. */
  admin: AdminAccess;
  /** Authority trusted for client certificates; the key only where the harness owns the cluster. */
  clientCa: { certPem?: string; keyPem?: string };
  /** ServiceAccount token signing key (PKCS#8 PEM) and issuer, where the harness owns the cluster. */
  serviceAccount: { signingKeyPem?: string; issuer?: string; keyId?: string };
  /** Path of the API server's JSON audit log on this machine; absent when the harness cannot read one. */
  auditLogPath?: string;
  /** Where the fixtures live on this cluster (fixed names on clusters the harness owns, run-scoped otherwise). */
  namespaces: ClusterNamespaces;
  /** What the harness can do with this cluster; a check needing a missing ability is untestable with its reason. */
  abilities: ClusterAbilities;
  /** Value of the label RUN_LABEL on every object this run created (existing clusters only). */
  runId?: string;
  /** uid stored in ConfigMap <namespaces.fixture>/cluster-identity once fixtures are applied. */
  identityUid?: string;
  /** PID of the cluster process (local backend), for orphan checks. */
  pid?: number;
}

/** Admin access: a client certificate (clusters the harness started) or a kubeconfig (existing clusters). */
export interface AdminAccess {
  /** The user name the API server sees for the harness (audit-log filters exclude it). */
  user: string;
  certPem?: string;
  keyPem?: string;
  /** A kubeconfig (JSON) with exactly one context, taken from the user's --kubeconfig. */
  kubeconfig?: string;
}

export interface ClusterNamespaces {
  /** Fixture pods, the Event and ConfigMap cluster-identity; tenants may read its configmaps; token identities' ServiceAccounts live here. */
  fixture: string;
  /** ConfigMap forbidden-plans, which every tenant is refused (403). */
  forbidden: string;
  /** One private ConfigMap per minted identity, readable by that identity only. */
  identities: string;
}

export type Ability = { available: true } | { available: false; reason: string };

export interface ClusterAbilities {
  /** The API server's audit log can be read (who called, as whom, with which status). */
  auditLog: Ability;
  /** Tokens with a chosen expiry can be signed (needs the ServiceAccount signing key). */
  forgeExpiredToken: Ability;
  /** Client certificates with chosen dates can be signed (needs the client CA key). */
  forgeExpiredCert: Ability;
  /** The CSR API signs kubernetes.io/kube-apiserver-client certificates (certificate identities). */
  signCerts: Ability;
  /** The run may start throw-away local control planes and freeze, kill and restart them. */
  restart: Ability;
}

export type AbilityName = keyof ClusterAbilities;

/** The private object of one identity: a ConfigMap only that identity may get. */
export interface PrivateConfigMap {
  namespace: string;
  name: string;
  /** Random value in data.nonce: a read that returns it read this object and no other. */
  nonce: string;
}

/** A credential as header values, ready to send. */
export interface Identity {
  kind: "token" | "cert";
  /** The user name the API server sees (e.g. system:serviceaccount:conformance:tenant-a-x1). */
  user: string;
  groups: string[];
  headers: IdentityHeaders;
  /** Present on minted identities: proves which identity a provider used without an audit log. */
  privateConfigMap?: PrivateConfigMap;
}

/** Exactly the kubernetes-* header values (lower-case names) for one identity on one cluster. */
export type IdentityHeaders = Record<string, string>;

export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  /** Empty ({}) when authentication failed. */
  user: { username?: string; groups?: string[] };
  userAgent?: string;
  responseStatus?: { code?: number };
  stageTimestamp: string;
  requestReceivedTimestamp: string;
}

/** Position in a cluster's audit log: events after a mark are "since" it. */
export interface AuditMark {
  offset: number;
  at: number;
}
