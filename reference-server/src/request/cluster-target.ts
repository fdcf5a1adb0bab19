/** A validated cluster tuple: everything one call needs to reach one API server. */
export interface ClusterTarget {
  readonly server: URL;
  /** PEM text of the supplied CA bundle; absent only in opted-in insecure mode. */
  readonly caPem: string | undefined;
  /** First 16 hex digits of SHA-256 over the first CA certificate's DER, or null in insecure mode. */
  readonly caFingerprint: string | null;
  readonly insecureSkipTlsVerify: boolean;
  readonly auth: TokenAuth | CertAuth;
  /** The server's context the call named (known-clusters class); absent in the tuple class. */
  readonly context?: string;
}

export interface TokenAuth {
  readonly kind: "token";
  readonly token: string;
}

export interface CertAuth {
  readonly kind: "cert";
  readonly certPem: string;
  readonly keyPem: string;
}

/** Secret strings of a target, for scrubbing text that may quote them. */
export function secretsOf(target: ClusterTarget | undefined): string[] {
  if (!target) return [];
  return target.auth.kind === "token" ? [target.auth.token] : [target.auth.keyPem, target.auth.certPem];
}
