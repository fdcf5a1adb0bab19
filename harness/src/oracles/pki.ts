// Throw-away PKI for oracles: a CA unknown to every cluster and serving
// certificates for the harness's own TLS listeners (redirect front, canaries).
import * as x509 from "@peculiar/x509";
import { b64, newKeyPair, privateKeyPem, SIGN_ALG } from "../credentials/pem.js";

export { b64 };

export interface Pem {
  certPem: string;
  keyPem: string;
}

export interface TestCa extends Pem {
  keys: Awaited<ReturnType<typeof newKeyPair>>;
  cert: x509.X509Certificate;
}

export async function makeCa(cn = "auth-headers-conformance oracle CA"): Promise<TestCa> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys: keys as never,
    signingAlgorithm: SIGN_ALG,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { keys, cert, certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function makeServerCert(ca: TestCa, ips: string[] = ["127.0.0.1"]): Promise<Pem> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=conformance-oracle",
    issuer: ca.cert.subject,
    publicKey: keys.publicKey as never,
    signingKey: ca.keys.privateKey as never,
    signingAlgorithm: SIGN_ALG,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(ips.map((ip) => ({ type: "ip" as const, value: ip }))),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}
