import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HEADER } from "../../../src/wire/constants.js";

const dir = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export function pem(name: string): string {
  return readFileSync(`${dir}${name}`, "utf8");
}

export function b64(name: string): string {
  return Buffer.from(pem(name)).toString("base64");
}

export const TOKEN_A = "token-alpha-0123456789abcdef";
export const TOKEN_B = "token-bravo-fedcba9876543210";

/** A complete, valid token tuple for `server`. */
export function tokenFields(server: string, token = TOKEN_A, ca = "ca-a.crt"): Record<string, string> {
  return {
    [HEADER.server]: server,
    [HEADER.certificateAuthorityData]: b64(ca),
    [HEADER.authorization]: `Bearer ${token}`,
  };
}

export function certFields(server: string, ca = "ca-a.crt"): Record<string, string> {
  return {
    [HEADER.server]: server,
    [HEADER.certificateAuthorityData]: b64(ca),
    [HEADER.clientCertificateData]: b64("client-alice.crt"),
    [HEADER.clientKeyData]: b64("client-alice.key"),
  };
}
