// Key and certificate plumbing shared by minting and forging. ECDSA P-256
// throughout: native in WebCrypto, and fast enough to mint per scenario.
import "reflect-metadata";
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

export const EC_ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
export const SIGN_ALG = { name: "ECDSA", hash: "SHA-256" } as const;

export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

/** Imports a PKCS#8 (or SEC1) EC private key PEM as a signing key plus its public key. */
export async function importSigningKey(
  pem: string,
): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ format: "der", type: "pkcs8" });
  const spki = createPublicKey(keyObject).export({ format: "der", type: "spki" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, EC_ALG, true, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", spki, EC_ALG, true, ["verify"]);
  return { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey };
}

export interface ClientCertOptions {
  commonName: string;
  organizations: string[];
  notBefore: Date;
  notAfter: Date;
  issuerCertPem: string;
  issuerKeyPem: string;
}

/** Signs a client certificate directly with a CA key (for forged cases only; real ones go through the CSR API). */
export async function signClientCert(o: ClientCertOptions): Promise<{ certPem: string; keyPem: string }> {
  const issuer = new x509.X509Certificate(o.issuerCertPem);
  const ca = await importSigningKey(o.issuerKeyPem);
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
      .toString("hex")
      .replace(/^0*/, "1"),
    subject: subjectName(o.commonName, o.organizations),
    issuer: issuer.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: keys.publicKey as never,
    signingKey: ca.privateKey as never,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function newSelfSignedCa(commonName: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `CN=${commonName}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 30 * 86400_000),
    keys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

export function subjectName(cn: string, orgs: string[]): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, "\\$1");
  return [`CN=${esc(cn)}`, ...orgs.map((o) => `O=${esc(o)}`)].join(", ");
}

export async function newCsr(cn: string, orgs: string[]): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await newKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(cn, orgs),
    keys,
    signingAlgorithm: SIGN_ALG,
  });
  return { csrPem: csr.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}
