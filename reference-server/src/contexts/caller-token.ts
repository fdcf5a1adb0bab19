// The caller's bearer token of one known-clusters call (AH-KC-1 to AH-KC-4): from exactly one of
// the two token headers of the HTTP request that carried the call, every other credential input
// refused by name rather than ignored.
import { ToolError } from "../errors/tool-error.js";
import { asciiLowerCase } from "../request/ascii-case.js";
import type { ClusterHeaderLines } from "../request/raw-headers.js";
import { metaIsSource, singleHeaderValue } from "../request/source.js";
import { checkValueSize, parseAuthorization } from "../request/validate.js";
import {
  ERROR_CODE,
  HEADER,
  KNOWN_CLUSTERS,
  META_PREFIX,
  type RequestHeaderName,
} from "../wire/constants.js";

export interface CredentialInput {
  readonly headerLines: ClusterHeaderLines | undefined;
  readonly meta: Record<string, unknown> | undefined;
  readonly metaDuplicateKey?: string | undefined;
}

/** The request headers a known-clusters call sees: the token headers, and the cluster headers to refuse them. */
export const KNOWN_CLUSTERS_HEADERS: ReadonlySet<RequestHeaderName> = new Set<RequestHeaderName>([
  ...Object.values(HEADER),
  "authorization",
]);

const [K8S_AUTHORIZATION, AUTHORIZATION] = KNOWN_CLUSTERS.tokenHeaders;

const CLIENT_CERT_HEADERS = new Set<string>([HEADER.clientCertificateData, HEADER.clientKeyData]);

/** The call's token, or a ToolError naming the input that is missing, malformed or unsupported. */
export function callerToken(input: CredentialInput, maxValueBytes: number): string {
  refuseUnsupported(input);
  const lines = input.headerLines ?? new Map();
  const k8s = lines.get(K8S_AUTHORIZATION);
  const plain = lines.get(AUTHORIZATION);
  if (k8s && plain) {
    throw new ToolError(
      ERROR_CODE.conflictingHeaders,
      `"${K8S_AUTHORIZATION}" and "${AUTHORIZATION}" were both sent; send the token in exactly one of them (AH-KC-2).`,
    );
  }
  const [name, values] = k8s ? [K8S_AUTHORIZATION, k8s] : plain ? [AUTHORIZATION, plain] : [];
  if (!name || !values) {
    throw new ToolError(
      ERROR_CODE.missingHeader,
      `no credential: send your bearer token in "${AUTHORIZATION}" or "${K8S_AUTHORIZATION}"; this server never calls a cluster with its own identity (AH-KC-1).`,
    );
  }
  const value = singleHeaderValue(name, values, "AH-KC-3");
  checkValueSize(name, value, maxValueBytes);
  return parseAuthorization(value, name, "AH-KC-3", name === K8S_AUTHORIZATION);
}

function refuseUnsupported(input: CredentialInput): void {
  const metaKey =
    input.metaDuplicateKey !== undefined && asciiLowerCase(input.metaDuplicateKey).startsWith(META_PREFIX)
      ? input.metaDuplicateKey
      : metaIsSource(input.meta)
        ? Object.keys(input.meta ?? {}).find((k) => asciiLowerCase(k).startsWith(META_PREFIX))
        : undefined;
  if (metaKey !== undefined) {
    throw new ToolError(
      ERROR_CODE.invalidHeader,
      `_meta key "${metaKey}" is not supported by this server: the token comes in an HTTP header, the cluster from the "${KNOWN_CLUSTERS.contextArgument}" argument (AH-KC-4).`,
    );
  }
  for (const name of input.headerLines?.keys() ?? []) {
    if (name === K8S_AUTHORIZATION || name === AUTHORIZATION) continue;
    throw new ToolError(
      ERROR_CODE.invalidHeader,
      CLIENT_CERT_HEADERS.has(name)
        ? `header "${name}" is not supported by this server: only bearer tokens are (AH-KC-4).`
        : `header "${name}" is not supported by this server: the cluster comes from the "${KNOWN_CLUSTERS.contextArgument}" argument (AH-KC-4).`,
    );
  }
}
