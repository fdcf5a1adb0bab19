import { createHash, createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/** Strict base64: Buffer.from silently skips garbage, so check the alphabet first. */
export function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/**
 * Every PEM certificate of a bundle, or undefined if any block does not parse or never ends.
 * One forward scan: a lazy regex (BEGIN[\s\S]+?END) restarts at every BEGIN and runs to the end
 * of the text when no END follows, which made 26,000 BEGIN lines cost seconds.
 */
export function parseCertificates(pem: string): X509Certificate[] | undefined {
  const certs: X509Certificate[] = [];
  for (let at = pem.indexOf(BEGIN); at >= 0; at = pem.indexOf(BEGIN, at)) {
    const end = pem.indexOf(END, at + BEGIN.length);
    if (end < 0) return undefined;
    try {
      certs.push(new X509Certificate(pem.slice(at, end + END.length)));
    } catch {
      return undefined;
    }
    at = end + END.length;
  }
  return certs.length > 0 ? certs : undefined;
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
