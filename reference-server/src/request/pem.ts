import { createHash, createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Strict base64: Buffer.from silently skips garbage, so check the alphabet first. */
export function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/** Every PEM certificate of a bundle, or undefined if any block does not parse. */
export function parseCertificates(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(CERT_BLOCK);
  if (!blocks || blocks.length === 0) return undefined;
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      return undefined;
    }
  }
  return certs;
}

export function parsePrivateKey(pem: string): KeyObject | undefined {
  if (!pem.includes("-----BEGIN")) return undefined;
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

export function fingerprint(cert: X509Certificate): string {
  return createHash("sha256").update(cert.raw).digest("hex").slice(0, 16);
}
