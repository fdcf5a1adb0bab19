import { ToolError } from "../errors/tool-error.js";
import { boundedMemo } from "../memo/bounded-memo.js";
import { ERROR_CODE, HEADER, type HeaderName } from "../wire/constants.js";
import type { CertAuth, ClusterTarget, TokenAuth } from "./cluster-target.js";
import { decodeBase64, fingerprint, parseCertificates, parsePrivateKey } from "./pem.js";
import type { RawTuple } from "./source.js";

export interface ValidationOptions {
  readonly allowPlainHttp: boolean;
  readonly allowInsecureTls: boolean;
  /** Largest value (UTF-8 bytes) of any field, headers and `_meta` alike. */
  readonly maxValueBytes: number;
  /**
   * Refusals of the server that need no DNS (allowlist, always-refused literals), made before
   * the CA and credentials are parsed: the cheap refusal comes before the expensive work.
   */
  readonly screenServer?: (server: URL) => void;
}

const missing = (name: HeaderName, why: string) =>
  new ToolError(ERROR_CODE.missingHeader, `"${name}" is required: ${why}`);
const invalid = (name: string, why: string) =>
  new ToolError(ERROR_CODE.invalidHeader, `"${name}" is invalid: ${why}`);

/** AH-HDR-*: turn one call's raw fields into a target, or throw a ToolError naming the field. */
export function validateTuple(raw: RawTuple, options: ValidationOptions): ClusterTarget {
  const f = raw.fields;
  for (const [name, value] of f) checkValueSize(name, value, options.maxValueBytes);
  const server = validateServer(f.get(HEADER.server), options);
  options.screenServer?.(server);
  const insecure = validateInsecure(f.get(HEADER.insecureSkipTlsVerify), options);
  const caText = f.get(HEADER.certificateAuthorityData);

  let caPem: string | undefined;
  let caFingerprint: string | null = null;
  if (insecure) {
    if (caText !== undefined) {
      throw new ToolError(
        ERROR_CODE.conflictingHeaders,
        `"${HEADER.insecureSkipTlsVerify}: true" and "${HEADER.certificateAuthorityData}" were both given; specifying a root certificates file with the insecure flag is not allowed (AH-TLS-4).`,
      );
    }
  } else {
    if (caText === undefined) {
      throw missing(
        HEADER.certificateAuthorityData,
        "the API server's CA bundle (base64 of PEM) must be supplied (AH-HDR-3).",
      );
    }
    const ca = parseCaHeader(caText);
    if (!ca) {
      throw invalid(
        HEADER.certificateAuthorityData,
        "must be base64 of one or more PEM certificates that each parse (AH-HDR-3).",
      );
    }
    caPem = ca.pem;
    caFingerprint = ca.fingerprint;
  }

  const auth = validateAuth(f);
  return { server, caPem, caFingerprint, insecureSkipTlsVerify: insecure, auth };
}

/** AH-HDR-11/12: an empty value is invalid, never absent; a value over the limit is refused before parsing. */
export function checkValueSize(name: string, value: string, maxValueBytes: number): void {
  if (value.trim() === "") throw invalid(name, "the value is empty.");
  // Characters first: a UTF-8 byte count walks the whole string.
  if (value.length > maxValueBytes || Buffer.byteLength(value) > maxValueBytes) {
    throw invalid(
      name,
      `the value is longer than ${maxValueBytes} bytes, the most this server accepts (AH-HDR-9).`,
    );
  }
}

interface ParsedCa {
  readonly pem: string;
  readonly fingerprint: string;
}

// Parsing a CA bundle (X509Certificate per block) was ~0.4 ms of every call.
// The result is a pure function of the header text, and CAs are public, so it
// is memoized per exact text in a small bounded map (no tuple, credential or
// call state is kept: the next call still validates its own CA header). Only
// bundles up to 64 KiB are kept (real ones are a few KiB), so distinct junk
// values cannot pin more than ≈ 8 MiB; a larger bundle is parsed on every call.
const parseCaHeaderMemo = boundedMemo(128, 64 * 1024, (caText: string): ParsedCa | null => {
  const pem = decodeBase64(caText);
  const certs = pem === undefined ? undefined : parseCertificates(pem);
  const first = certs?.[0];
  return pem && first ? { pem, fingerprint: fingerprint(first) } : null;
});

function parseCaHeader(caText: string): ParsedCa | undefined {
  return parseCaHeaderMemo(caText) ?? undefined;
}

function validateServer(value: string | undefined, options: ValidationOptions): URL {
  if (value === undefined) throw missing(HEADER.server, "the API server URL must be supplied (AH-HDR-1).");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(HEADER.server, "must be an absolute https:// URL (AH-HDR-1).");
  }
  if (url.protocol === "http:") {
    if (!options.allowPlainHttp) {
      throw invalid(
        HEADER.server,
        "plain http:// is refused; use https:// (the server was not started with --allow-plain-http) (AH-HDR-2).",
      );
    }
  } else if (url.protocol !== "https:") {
    throw invalid(HEADER.server, `scheme "${url.protocol}" is not allowed; must be https:// (AH-HDR-1).`);
  }
  if (url.username || url.password) throw invalid(HEADER.server, "must not contain userinfo (AH-HDR-1).");
  if (url.search || value.includes("?")) throw invalid(HEADER.server, "must not contain a query (AH-HDR-1).");
  if (url.hash || value.includes("#"))
    throw invalid(HEADER.server, "must not contain a fragment (AH-HDR-1).");
  if (!url.hostname) throw invalid(HEADER.server, "must name a host (AH-HDR-1).");
  return url;
}

function validateInsecure(value: string | undefined, options: ValidationOptions): boolean {
  if (value === undefined) return false;
  if (value !== "true" && value !== "false") {
    throw invalid(HEADER.insecureSkipTlsVerify, 'must be exactly "true" or "false" (AH-HDR-7).');
  }
  if (value === "true" && !options.allowInsecureTls) {
    throw invalid(
      HEADER.insecureSkipTlsVerify,
      '"true" is refused: the server was not started with --allow-insecure-tls (AH-TLS-3).',
    );
  }
  return value === "true";
}

function validateAuth(f: ReadonlyMap<HeaderName, string>): TokenAuth | CertAuth {
  const authz = f.get(HEADER.authorization);
  const cert = f.get(HEADER.clientCertificateData);
  const key = f.get(HEADER.clientKeyData);
  const hasCertPart = cert !== undefined || key !== undefined;

  if (authz !== undefined && hasCertPart) {
    throw new ToolError(
      ERROR_CODE.conflictingHeaders,
      `"${HEADER.authorization}" and client certificate headers were both given; use exactly one authentication method (AH-HDR-4).`,
    );
  }
  if (authz !== undefined) return { kind: "token", token: parseAuthorization(authz) };
  if (!hasCertPart) {
    throw missing(
      HEADER.authorization,
      `no credential: send "${HEADER.authorization}" or both "${HEADER.clientCertificateData}" and "${HEADER.clientKeyData}" (AH-HDR-4).`,
    );
  }
  if (cert === undefined)
    throw missing(
      HEADER.clientCertificateData,
      `"${HEADER.clientKeyData}" needs its certificate (AH-HDR-4).`,
    );
  if (key === undefined)
    throw missing(
      HEADER.clientKeyData,
      `"${HEADER.clientCertificateData}" needs its private key (AH-HDR-4).`,
    );

  const certPem = decodeBase64(cert);
  const certs = certPem === undefined ? undefined : parseCertificates(certPem);
  const leaf = certs?.[0];
  if (!certPem || !leaf)
    throw invalid(HEADER.clientCertificateData, "must be base64 of a PEM certificate (AH-HDR-5).");
  const keyPem = decodeBase64(key);
  const keyObject = keyPem === undefined ? undefined : parsePrivateKey(keyPem);
  if (!keyPem || !keyObject)
    throw invalid(HEADER.clientKeyData, "must be base64 of a PEM private key (AH-HDR-5).");
  if (!leaf.checkPrivateKey(keyObject)) {
    throw invalid(
      HEADER.clientKeyData,
      `the key does not match "${HEADER.clientCertificateData}" (AH-HDR-5).`,
    );
  }
  return { kind: "cert", certPem, keyPem };
}

/** RFC 6750 b64token (token68): what a bearer token may be made of. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER_SP = /^bearer /i;
const OTHER_SCHEME = /^[A-Za-z][\x21-\x7e]* /;

/**
 * AH-HDR-6: "Bearer" (any case) + exactly one ASCII space + a token68, or a bare token68
 * (the known-clusters class's `Authorization` header: Bearer only, AH-KC-2).
 * Splitting on \s would also split on NBSP, U+2028, a BOM or a tab, so a value that
 * looks different to every intermediary would pass as a Bearer token.
 */
export function parseAuthorization(
  value: string,
  header: string = HEADER.authorization,
  rule = "AH-HDR-6",
  bare = true,
): string {
  if (/^bearer$/i.test(value)) throw invalid(header, `"Bearer" needs a token after it (${rule}).`);
  if (BEARER_SP.test(value)) {
    const token = value.slice("Bearer ".length);
    if (TOKEN68.test(token)) return token;
  } else if (TOKEN68.test(value)) {
    if (bare) return value;
    throw invalid(header, `must be "Bearer <token>"; a bare token is not accepted in this header (${rule}).`);
  } else if (OTHER_SCHEME.test(value) && !/^bearer/i.test(value)) {
    throw invalid(header, `only the Bearer scheme${bare ? " (or a bare token)" : ""} is accepted (${rule}).`);
  }
  throw invalid(
    header,
    `must be "Bearer <token>" with exactly one space${bare ? ", or a bare token" : ""}; a token is made of A-Z a-z 0-9 - . _ ~ + / and may end in = (RFC 6750) (${rule}).`,
  );
}
