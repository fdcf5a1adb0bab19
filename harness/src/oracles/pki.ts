// Throw-away PKI for oracles: a CA unknown to every cluster and serving
// certificates for the harness's own TLS listeners (redirect front, canaries).
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface Pem {
  certPem: string;
  keyPem: string;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64.trim()}\n-----END PRIVATE KEY-----\n`;
}

export interface TestCa extends Pem {
  keys: CryptoKeyPair;
  cert: x509.X509Certificate;
}

export async function makeCa(cn = "auth-headers-conformance oracle CA"): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    "sign",
    "verify",
  ])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys: keys as never,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { keys, cert, certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
}

export async function makeServerCert(ca: TestCa, ips: string[] = ["127.0.0.1"]): Promise<Pem> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    "sign",
    "verify",
  ])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=conformance-oracle",
    issuer: ca.cert.subject,
    publicKey: keys.publicKey as never,
    signingKey: ca.keys.privateKey as never,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(ips.map((ip) => ({ type: "ip" as const, value: ip }))),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
}

export const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
