import { ERROR_CODE } from "../wire/constants.js";
import { oneLine, scrub } from "./scrub.js";
import { ToolError } from "./tool-error.js";

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
}

/** Node/TLS failure of the exchange itself (no HTTP status) → stable code; secrets scrubbed. */
export function mapTransportError(
  err: unknown,
  host: string,
  timeoutMs: number,
  secrets: readonly string[],
): ToolError {
  const e = (err ?? {}) as ErrorLike;
  const code = e.code ?? "";
  if (e.name === "AbortError" || e.name === "TimeoutError" || code === "ABORT_ERR") {
    return new ToolError(ERROR_CODE.timeout, `the API server ${host} did not answer within ${timeoutMs} ms.`);
  }
  if (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) {
    return new ToolError(
      ERROR_CODE.tlsVerificationFailed,
      `the API server ${host} could not be verified against the supplied CA (${code}).`,
    );
  }
  if (UNREACHABLE_CODES.has(code) || /socket hang up/i.test(e.message ?? "")) {
    return new ToolError(
      ERROR_CODE.unreachable,
      `the API server ${host} could not be reached (${code || "connection closed"}).`,
    );
  }
  const detail = scrub(oneLine(e.message ?? "unknown error"), secrets);
  return new ToolError(ERROR_CODE.upstreamError, `the request to ${host} failed: ${detail}`);
}

/** HTTP status of the API server → stable code; the Status message is kept, scrubbed, for the human. */
export function mapStatus(
  status: number,
  body: unknown,
  host: string,
  secrets: readonly string[],
): ToolError {
  const detail = statusMessage(body, secrets);
  const suffix = detail ? `: ${detail}` : ".";
  if (status === 401)
    return new ToolError(
      ERROR_CODE.unauthorized,
      `the API server ${host} rejected the credentials (401)${suffix}`,
    );
  if (status === 403)
    return new ToolError(
      ERROR_CODE.forbidden,
      `the identity is not allowed to do this on ${host} (403)${suffix}`,
    );
  if (status === 404) return new ToolError(ERROR_CODE.notFound, `not found on ${host} (404)${suffix}`);
  if (status >= 300 && status < 400) {
    return new ToolError(
      ERROR_CODE.upstreamError,
      `the API server ${host} answered with a redirect (${status}); redirects are never followed with credentials (AH-NET-3).`,
    );
  }
  return new ToolError(ERROR_CODE.upstreamError, `the API server ${host} answered ${status}${suffix}`);
}

function statusMessage(body: unknown, secrets: readonly string[]): string {
  const message =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : "";
  return scrub(oneLine(message), secrets);
}
