// The wire vocabulary of the auth-headers provider: names only, no logic.
// This is the one file the conformance harness may import from the reference
// server (a shared validator would hide the bugs the harness exists to find).

export const HEADER = {
  server: "kubernetes-server",
  certificateAuthorityData: "kubernetes-certificate-authority-data",
  authorization: "kubernetes-authorization",
  clientCertificateData: "kubernetes-client-certificate-data",
  clientKeyData: "kubernetes-client-key-data",
  insecureSkipTlsVerify: "kubernetes-insecure-skip-tls-verify",
} as const;

export type HeaderName = (typeof HEADER)[keyof typeof HEADER];

export const HEADER_NAMES: readonly HeaderName[] = Object.values(HEADER);

/** Headers that carry the credential: a token, or a client certificate and its key. */
export const CREDENTIAL_HEADERS: readonly HeaderName[] = [
  HEADER.authorization,
  HEADER.clientCertificateData,
  HEADER.clientKeyData,
];

/**
 * The known-clusters class (docs/spec.md section 11): the server knows the clusters (its
 * kubeconfig's contexts), the `context` argument of every tool picks one, and the caller's
 * bearer token comes with each HTTP request in one of two headers.
 */
export const KNOWN_CLUSTERS = {
  contextArgument: "context",
  tokenHeaders: [HEADER.authorization, "authorization"],
} as const;

/** Request header lines a call may see: the cluster headers, and `authorization` (known-clusters). */
export type RequestHeaderName = HeaderName | "authorization";

/** Headers whose values are secrets: never logged, echoed or reported. */
export const SECRET_HEADERS: readonly HeaderName[] = [HEADER.authorization, HEADER.clientKeyData];

/** Any `_meta` key with this prefix makes `_meta` the source of a call's credentials. */
export const META_PREFIX = "kubernetes-";

/** Stable error codes that start the text of an `isError: true` tool result. */
export const ERROR_CODE = {
  missingHeader: "missing-header",
  invalidHeader: "invalid-header",
  conflictingHeaders: "conflicting-headers",
  serverNotAllowed: "server-not-allowed",
  tlsVerificationFailed: "tls-verification-failed",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  notFound: "not-found",
  timeout: "timeout",
  unreachable: "unreachable",
  upstreamError: "upstream-error",
  invalidArgument: "invalid-argument",
} as const;

export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** The codes of a tuple refused before any use (AH-HDR, AH-NET-1): a valid tuple never gets one. */
export const VALIDATION_CODES: readonly string[] = [
  ERROR_CODE.missingHeader,
  ERROR_CODE.invalidHeader,
  ERROR_CODE.conflictingHeaders,
  ERROR_CODE.serverNotAllowed,
];

/** Tools every provider must expose (kubernetes-mcp-server names); `whoami` is our extension. */
export const REQUIRED_TOOLS = [
  "namespaces_list",
  "pods_list",
  "pods_list_in_namespace",
  "pods_get",
  "resources_list",
  "resources_get",
  "events_list",
] as const;

export const EXTENSION_TOOLS = ["whoami"] as const;
