import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HEADER } from "../../src/wire/constants.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { b64, certFields, TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, json, startFakeApiServer } from "./helpers/https-upstream.js";

const servers: FakeApiServer[] = [];
const rawServers: Server[] = [];
async function fake(opts: Parameters<typeof startFakeApiServer>[0] = {}) {
  const s = await startFakeApiServer(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of rawServers.splice(0)) s.close();
});

describe("upstream TLS and authentication against a loopback API server", () => {
  it("sends exactly `Authorization: Bearer <token>` (AH-AUTH-1)", async () => {
    const api = await fake();
    const r = await call(testDeps(), { headers: tokenFields(api.url) });
    expect(codeOf(r)).toBe("ok");
    expect(api.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });

  it("a bare token is sent with exactly one Bearer", async () => {
    const api = await fake();
    await call(testDeps(), { headers: { ...tokenFields(api.url), [HEADER.authorization]: TOKEN_B } });
    expect(api.seen[0]?.authorization).toBe(`Bearer ${TOKEN_B}`);
  });

  it("client certificate is presented in TLS and no Authorization is sent (AH-AUTH-2)", async () => {
    const api = await fake();
    const r = await call(testDeps(), { headers: certFields(api.url) });
    expect(codeOf(r)).toBe("ok");
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.peerCN).toBe("alice");
    expect(api.seen[0]?.authorization).toBeUndefined();
  });

  it("verifies against the supplied CA only: another CA fails (AH-TLS-1)", async () => {
    const api = await fake();
    const r = await call(testDeps(), { headers: tokenFields(api.url, TOKEN_A, "ca-b.crt") });
    expect(codeOf(r)).toBe("tls-verification-failed");
    expect(api.seen).toHaveLength(0);
  });

  it("checks the hostname (AH-TLS-1)", async () => {
    const api = await fake({ cert: "server-wrongname.crt", key: "server-wrongname.key" });
    const r = await call(testDeps(), { headers: tokenFields(api.url) });
    expect(codeOf(r)).toBe("tls-verification-failed");
    expect(textOf(r)).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("any certificate of the bundle may be the issuer (AH-TLS-2)", async () => {
    const api = await fake();
    const bundle = Buffer.from(
      Buffer.from(b64("ca-b.crt"), "base64").toString() + Buffer.from(b64("ca-a.crt"), "base64").toString(),
    ).toString("base64");
    const r = await call(testDeps(), {
      headers: { ...tokenFields(api.url), [HEADER.certificateAuthorityData]: bundle },
    });
    expect(codeOf(r)).toBe("ok");
  });

  it("insecure mode (opted in, no CA) connects and names ca:none", async () => {
    const api = await fake();
    const { [HEADER.certificateAuthorityData]: _c, ...f } = tokenFields(api.url, TOKEN_A);
    const r = await call(testDeps({ allowInsecureTls: true }), {
      headers: { ...f, [HEADER.insecureSkipTlsVerify]: "true" },
    });
    expect(codeOf(r)).toBe("ok");
    expect(textOf(r).split("\n")[0]).toBe(`cluster: 127.0.0.1:${api.port} ca:none`);
  });

  it("plain http works only with the opt-in", async () => {
    const api = await fake({ plain: true });
    expect(codeOf(await call(testDeps(), { headers: tokenFields(api.url) }))).toBe("invalid-header");
    expect(api.seen).toHaveLength(0);
    expect(codeOf(await call(testDeps({ allowPlainHttp: true }), { headers: tokenFields(api.url) }))).toBe(
      "ok",
    );
    expect(api.seen).toHaveLength(1);
  });

  it("a hung API server yields [timeout] within the request timeout (AH-NET-4)", async () => {
    const api = await fake({ handler: () => {} });
    const started = Date.now();
    const r = await call(testDeps({ requestTimeoutMs: 300 }), { headers: tokenFields(api.url) });
    expect(codeOf(r)).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a hung cluster does not delay another tenant (AH-NET-5)", async () => {
    const hung = await fake({ handler: () => {} });
    const ok = await fake();
    const deps = testDeps({ requestTimeoutMs: 1500 });
    const slow = call(deps, { headers: tokenFields(hung.url) });
    const started = Date.now();
    expect(codeOf(await call(deps, { headers: tokenFields(ok.url, TOKEN_B) }))).toBe("ok");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(codeOf(await slow)).toBe("timeout");
  });

  it("a closed port is [unreachable] (AH-NET-6)", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await call(testDeps(), { headers: tokenFields(`https://127.0.0.1:${port}`) });
    expect(codeOf(r)).toBe("unreachable");
  });

  it("a connection reset is [unreachable]", async () => {
    const s = createServer((sock) => sock.destroy());
    rawServers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    const r = await call(testDeps(), { headers: tokenFields(`https://127.0.0.1:${port}`) });
    expect(codeOf(r)).toBe("unreachable");
  });

  it("a redirect is not followed (AH-NET-3)", async () => {
    const api = await fake({
      handler: (req, res) => {
        if (req.url?.startsWith("/elsewhere")) return json(res, 200, { items: [] });
        res.writeHead(302, { location: "/elsewhere" }).end();
      },
    });
    const r = await call(testDeps(), { headers: tokenFields(api.url) });
    expect(codeOf(r)).toBe("upstream-error");
    expect(textOf(r)).toContain("redirect");
    expect(api.seen.map((s) => s.path)).toEqual(["/api/v1/namespaces"]);
  });

  it("a path prefix is kept in front of API paths", async () => {
    const api = await fake();
    await call(testDeps(), { headers: tokenFields(`${api.url}/proxy/c1`) });
    expect(api.seen[0]?.path).toBe("/proxy/c1/api/v1/namespaces");
  });
});

describe("connection reuse keyed by the whole tuple (AH-CONN-1/3)", () => {
  it("reuses a connection for the same tuple", async () => {
    const api = await fake();
    const deps = testDeps();
    for (let i = 0; i < 3; i++)
      expect(codeOf(await call(deps, { headers: tokenFields(api.url) }))).toBe("ok");
    expect(api.connections).toBe(1);
    expect(deps.pool.size).toBe(1);
  });

  it("after a good call, bad credentials for the same server fail (no credential reuse)", async () => {
    const api = await fake({
      handler: (req, res) =>
        req.headers.authorization === `Bearer ${TOKEN_A}`
          ? json(res, 200, { items: [] })
          : json(res, 401, { message: "Unauthorized" }),
    });
    const deps = testDeps();
    expect(codeOf(await call(deps, { headers: tokenFields(api.url, TOKEN_A) }))).toBe("ok");
    expect(codeOf(await call(deps, { headers: tokenFields(api.url, TOKEN_B) }))).toBe("unauthorized");
    expect(api.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
  });

  it("a token call after a certificate call to the same server does not reuse the TLS identity", async () => {
    const api = await fake();
    const deps = testDeps();
    await call(deps, { headers: certFields(api.url) });
    await call(deps, { headers: tokenFields(api.url) });
    expect(api.seen.map((s) => s.peerCN ?? null)).toEqual(["alice", null]);
    expect(api.connections).toBe(2);
  });

  it("the pool is bounded (LRU)", async () => {
    const api = await fake();
    const deps = testDeps({ poolMaxEntries: 2 });
    for (const t of ["t1", "t2", "t3", "t4"]) await call(deps, { headers: tokenFields(api.url, t) });
    expect(deps.pool.size).toBe(2);
  });

  it("with reuse disabled nothing is pooled", async () => {
    const api = await fake();
    const deps = testDeps({ poolMaxEntries: 0 });
    await call(deps, { headers: tokenFields(api.url) });
    await call(deps, { headers: tokenFields(api.url) });
    expect(deps.pool.size).toBe(0);
    expect(api.connections).toBe(2);
  });

  it("concurrent calls with different tuples see only their own results (AH-CONN-2)", async () => {
    const a = await fake({
      handler: (req, res) =>
        json(res, 200, { items: [{ metadata: { name: `a-${req.headers.authorization}` } }] }),
    });
    const b = await fake({
      handler: (req, res) =>
        json(res, 200, { items: [{ metadata: { name: `b-${req.headers.authorization}` } }] }),
    });
    const deps = testDeps();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const api = i % 2 ? a : b;
        const token = `tok${i}`;
        return call(deps, { headers: tokenFields(api.url, token) }).then((r) => ({
          r,
          expected: `${i % 2 ? "a" : "b"}-Bearer ${token}`,
        }));
      }),
    );
    for (const { r, expected } of results) {
      expect(
        (r.structuredContent as { items: Array<{ metadata: { name: string } }> }).items[0]?.metadata.name,
      ).toBe(expected);
    }
  });
});
