// Optional OAuth validation of a known-clusters caller's token (AH-KC-10): signature against the
// issuer's published keys, issuer, expiry and audience, before any cluster is contacted. The
// keys come from a JWKS file the operator fetched from the issuer (for a Kubernetes cluster's
// ServiceAccount issuer: its /openid/v1/jwks).
import { readFileSync } from "node:fs";
import { createLocalJWKSet, errors, type JSONWebKeySet, jwtVerify } from "jose";
import { ToolError } from "../errors/tool-error.js";
import { ERROR_CODE } from "../wire/constants.js";

export interface OAuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: JSONWebKeySet;
}

export type TokenVerifier = (token: string) => Promise<void>;

/** Asymmetric algorithms only: a shared-secret (HS*) or `none` token proves nothing here. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export function readJwks(path: string): JSONWebKeySet {
  const doc = JSON.parse(readFileSync(path, "utf8")) as JSONWebKeySet;
  if (!Array.isArray(doc?.keys) || doc.keys.length === 0) throw new Error("holds no keys");
  return doc;
}

export function oauthVerifier(settings: OAuthSettings): TokenVerifier {
  const keys = createLocalJWKSet(settings.jwks);
  return async (token) => {
    try {
      await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "iss", "aud"],
        clockTolerance: 60,
      });
    } catch (err) {
      throw new ToolError(
        ERROR_CODE.unauthorized,
        `the token was refused by this server's OAuth validation: ${failedCheck(err)} (AH-KC-10).`,
      );
    }
  };
}

/** Which check failed, in words that never quote the token. */
function failedCheck(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "it has expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "its audience is not this server's audience";
    if (err.claim === "iss") return "its issuer is not this server's issuer";
    if (err.claim === "nbf") return "it is not valid yet";
    return `its claim "${err.claim}" is missing or invalid`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return "its signature does not verify";
  if (err instanceof errors.JWKSNoMatchingKey) return "it is signed by a key the issuer does not publish";
  if (err instanceof errors.JOSEAlgNotAllowed) return "its signature algorithm is not accepted";
  return "it is not a signed JWT";
}
