// The contract between cluster backends and everything that uses clusters
// (vitest suites, the Cucumber world, the CLI). Backends differ in how a
// cluster starts; once started, every cluster is described by ClusterInfo,
// which is plain JSON so it can cross process boundaries (vitest workers,
// Cucumber workers, `clusters up --out`).

export type BackendName = "local" | "k3s";
export type BackendChoice = BackendName | "auto";

/** Serializable description of a running cluster. Contains secrets: write it only to 0600 files. */
export interface ClusterInfo {
  name: string;
  backend: BackendName;
  /** https://127.0.0.1:PORT */
  server: string;
  /** PEM of the CA that signed the API server's serving certificate. */
  caPem: string;
  /** Admin identity (system:masters), used by the harness only, never handed to a provider. */
  admin: { certPem: string; keyPem: string; user: string };
  /** Authority trusted for client certificates (for forging expired certs). */
  clientCa: { certPem: string; keyPem: string };
  /** ServiceAccount token signing key (PKCS#8 PEM) and issuer, for forging expired tokens. */
  serviceAccount: { signingKeyPem: string; issuer: string; keyId?: string };
  /** Path of the API server's JSON audit log on this machine. */
  auditLogPath: string;
  /** uid stored in ConfigMap conformance/cluster-identity once fixtures are applied. */
  identityUid?: string;
  /** PID of the cluster process (local backend), for orphan checks. */
  pid?: number;
}

/** A credential as header values, ready to send. */
export interface Identity {
  kind: "token" | "cert";
  /** The user name the API server sees (e.g. system:serviceaccount:conformance:tenant-a-x1). */
  user: string;
  groups: string[];
  headers: IdentityHeaders;
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
