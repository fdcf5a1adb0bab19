// The foundation, proven on real control planes: minted identities work on
// their own cluster only, forged ones fail for the one reason they were built
// with (their valid twins pass), TLS is verified, and the audit log names the
// right user. Each premise is also shown broken, so no check passes vacuously.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { assertAllBy, assertNone, unauthenticated } from "../../src/audit/verdicts.js";
import { attach, type Cluster } from "../../src/clusters/index.js";
import { directGet } from "../../src/credentials/direct.js";
import type { CertIdentity, TokenIdentity } from "../../src/credentials/mint.js";

const IDENTITY = "/api/v1/namespaces/conformance/configmaps/cluster-identity";
const FORBIDDEN = "/api/v1/namespaces/conformance-forbidden/configmaps/forbidden-plans";
const NAMESPACES = "/api/v1/namespaces";

let a: Cluster;
let b: Cluster;
let tokenA: TokenIdentity;
let certA: CertIdentity;
let tokenB: TokenIdentity;

beforeAll(async () => {
  const [infoA, infoB] = inject("clusters");
  if (!infoA || !infoB) throw new Error("global setup provided fewer than two clusters");
  a = attach(infoA);
  b = attach(infoB);
  [tokenA, certA, tokenB] = await Promise.all([
    a.mintTokenIdentity(),
    a.mintCertIdentity(),
    b.mintTokenIdentity(),
  ]);
});

const uidOf = (r: { body?: unknown }) => (r.body as { data?: { uid?: string } })?.data?.uid;

describe("minted identities", () => {
  it.each(["token", "cert"] as const)(
    "%s identity reads its own cluster's identity ConfigMap",
    async (kind) => {
      const id = kind === "token" ? tokenA : certA;
      const r = await directGet(id.headers, IDENTITY);
      expect(r.status).toBe(200);
      expect(uidOf(r)).toBe(a.info.identityUid);
      expect(uidOf(r)).not.toBe(b.info.identityUid);
    },
  );

  it.each(["token", "cert"] as const)(
    "%s identity is forbidden (403) in the forbidden namespace",
    async (kind) => {
      const id = kind === "token" ? tokenA : certA;
      expect((await directGet(id.headers, FORBIDDEN)).status).toBe(403);
    },
  );

  it("token and cert identities are distinct users and groups", () => {
    expect(tokenA.user).toMatch(/^system:serviceaccount:conformance:/);
    expect(certA.user).toMatch(/^conformance:cert:/);
    expect(tokenA.groups).not.toContain("conformance:cert-tenants");
    expect(certA.groups).toContain("conformance:cert-tenants");
  });

  it("header values are in header form (base64 PEM, Bearer token)", () => {
    const pem = (v: string | undefined) => Buffer.from(v ?? "", "base64").toString("utf8");
    expect(pem(tokenA.headers["kubernetes-certificate-authority-data"])).toContain("BEGIN CERTIFICATE");
    expect(tokenA.headers["kubernetes-authorization"]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(pem(certA.headers["kubernetes-client-certificate-data"])).toContain("BEGIN CERTIFICATE");
    expect(pem(certA.headers["kubernetes-client-key-data"])).toContain("PRIVATE KEY");
  });
});

describe("refused credentials (each with a premise that passes)", () => {
  it("a token of cluster B is refused by A (401) but works on B", async () => {
    expect((await directGet(a.retarget(tokenB.headers), NAMESPACES)).status).toBe(401);
    expect((await directGet(tokenB.headers, NAMESPACES)).status).toBe(200);
  });

  it("an expired token is refused; the same forger with a valid window is accepted", async () => {
    expect((await directGet((await a.forgeExpiredToken()).headers, NAMESPACES)).status).toBe(401);
    expect((await directGet((await a.forgeValidToken()).headers, NAMESPACES)).status).toBe(200);
  });

  it("an expired client cert is refused; the same CA and code path, valid now, is accepted", async () => {
    expect((await directGet((await a.forgeExpiredCert()).headers, NAMESPACES)).status).toBe(401);
    expect((await directGet((await a.forgeValidCert()).headers, NAMESPACES)).status).toBe(200);
  });

  it("a cert from a foreign CA is refused", async () => {
    expect((await directGet((await a.forgeForeignCaCert()).headers, NAMESPACES)).status).toBe(401);
  });

  it("a token whose ServiceAccount was deleted is refused; a sibling token still works", async () => {
    const revoked = await a.revokedToken();
    let status: number | undefined;
    // The authenticator looks the ServiceAccount up through an informer.
    for (let i = 0; i < 50 && status !== 401; i++) {
      status = (await directGet(revoked.headers, NAMESPACES)).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect((await directGet(tokenA.headers, NAMESPACES)).status).toBe(200);
  });

  it("a wrong CA fails TLS verification; the right CA succeeds", async () => {
    const wrong = { ...tokenA.headers, "kubernetes-certificate-authority-data": b.caHeader };
    const r = await directGet(wrong, NAMESPACES);
    expect(r.status).toBeUndefined();
    expect(r.errorCode).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
    expect((await directGet(tokenA.headers, NAMESPACES)).status).toBe(200);
  });
});

describe("audit oracle", () => {
  it("names the user of each request, and the other cluster saw nothing", async () => {
    const [markA, markB] = await Promise.all([a.audit.mark(), b.audit.mark()]);
    await directGet(tokenA.headers, IDENTITY);
    await directGet(certA.headers, IDENTITY);
    const [onA, onB] = await Promise.all([a.audit.settled(markA), b.audit.settled(markB)]);
    expect(onA.map((e) => e.user.username)).toEqual([tokenA.user, certA.user]);
    expect(onA.every((e) => e.requestURI === IDENTITY && e.responseStatus?.code === 200)).toBe(true);
    assertNone(onB, "cluster B");
    assertAllBy(await a.audit.since(markA, { user: certA.user }), certA.user, "cluster A");
  });

  it("fails when the identities are swapped or the cluster is wrong (the verdicts can fail)", async () => {
    const [markA, markB] = await Promise.all([a.audit.mark(), b.audit.mark()]);
    await directGet(tokenA.headers, IDENTITY);
    const onA = await a.audit.settled(markA);
    expect(() => assertAllBy(onA, certA.user, "cluster A")).toThrow(/expected only conformance:cert:/);
    expect(() => assertNone(onA, "cluster A")).toThrow(/expected no requests/);
    await directGet(b.retarget(tokenA.headers), NAMESPACES);
    const onB = await b.audit.settled(markB);
    expect(() => assertNone(onB, "cluster B")).toThrow(/<unauthenticated>/);
    expect(unauthenticated(onB)).toHaveLength(1);
  });

  it("excludes the harness's own admin traffic unless asked", async () => {
    const mark = await a.audit.mark();
    await a.mintTokenIdentity();
    expect(await a.audit.settled(mark)).toEqual([]);
    const all = await a.audit.since(mark, { excludeAdmin: false });
    expect(all.some((e) => e.user.username === a.info.admin.user)).toBe(true);
  });
});

describe("audit oracle: control-plane traffic", () => {
  it("is excluded by default and visible on request", async () => {
    const mark = await a.audit.mark();
    // The API server's own loopback client is busy at all times (e.g. openapi); wait for one.
    let internal: string[] = [];
    for (let i = 0; i < 100 && internal.length === 0; i++) {
      await a.audit.sync();
      const all = await a.audit.since(mark, { excludeControlPlane: false });
      internal = all.map((e) => e.user.username ?? "").filter((u) => u.startsWith("system:apiserver"));
      if (internal.length === 0) await directGet(tokenA.headers, "/openapi/v3");
    }
    const defaults = await a.audit.since(mark);
    expect(defaults.map((e) => e.user.username)).not.toContain("system:apiserver");
  });
});
