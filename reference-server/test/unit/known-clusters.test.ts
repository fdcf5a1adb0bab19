// The known-clusters class (docs/spec.md section 11) against a mocked API server: the token of a
// call reaches only the context it names, the kubeconfig's own user is never used, every
// missing, malformed or unsupported input is refused before any request, and OAuth validation
// refuses tokens with a bad signature, expiry, audience or issuer. (msw mocks the API here; the
// e2e test does the same against real API servers with the audit log as the witness.)
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCall } from "../../src/call/run-call.js";
import { KNOWN_CLUSTERS_HEADERS } from "../../src/contexts/caller-token.js";
import { knownClustersSource } from "../../src/contexts/known-clusters-source.js";
import { KubeconfigError, loadKubeconfig } from "../../src/contexts/kubeconfig.js";
import { oauthVerifier } from "../../src/contexts/oauth.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { TOOLS } from "../../src/tools/index.js";
import { codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { b64, TOKEN_A, TOKEN_B } from "./helpers/fixtures.js";

const A = "https://127.0.0.1:6443";
const B = "https://127.0.0.1:6444";
const SERVER_IDENTITY = "server-own-identity-token-0123456789";
const seen: Array<{ host: string; authorization: string | null }> = [];
const mock = setupServer(
  ...[A, B].map((api) =>
    http.get(`${api}/api/v1/namespaces`, ({ request }) => {
      seen.push({ host: new URL(request.url).host, authorization: request.headers.get("authorization") });
      return HttpResponse.json({ kind: "NamespaceList", items: [] });
    }),
  ),
);
beforeAll(() => mock.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => mock.close());

function kubeconfig(clusters: string): string {
  const dir = mkdtempSync(join(tmpdir(), "known-clusters-"));
  const path = join(dir, "config");
  writeFileSync(path, clusters);
  return path;
}

/** Two contexts on two API servers, and a user the server must never use for a caller. */
const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: a
  cluster: { server: "${A}", certificate-authority-data: ${b64("ca-a.crt")} }
- name: b
  cluster: { server: "${B}", certificate-authority-data: ${b64("ca-a.crt")} }
users:
- name: server-identity
  user: { token: ${SERVER_IDENTITY} }
contexts:
- name: ctx-a
  context: { cluster: a, user: server-identity }
- name: ctx-b
  context: { cluster: b, user: server-identity }
`;

const contexts = loadKubeconfig(kubeconfig(KUBECONFIG), { allowPlainHttp: false, allowInsecureTls: false });

function deps(verify?: ReturnType<typeof oauthVerifier>) {
  return { ...testDeps(), targets: knownClustersSource({ contexts, verify, maxValueBytes: 128 * 1024 }) };
}

interface Call {
  headers?: string[];
  args?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

async function call(d: ReturnType<typeof deps>, c: Call): Promise<CallToolResult> {
  const tool = TOOLS.find((t) => t.name === "namespaces_list");
  if (!tool) throw new Error("no namespaces_list");
  return runCall(
    {
      tool,
      args: c.args ?? { context: "ctx-a" },
      meta: c.meta,
      headerLines: clusterHeaderLines(c.headers ?? [], KNOWN_CLUSTERS_HEADERS),
      requestId: 1,
    },
    d,
  );
}

describe("known-clusters: the token reaches only the named context", () => {
  it("sends exactly the caller's token to the named context's server, never the kubeconfig user", async () => {
    const d = deps();
    const a = await call(d, { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: { context: "ctx-a" } });
    const b = await call(d, {
      headers: ["kubernetes-authorization", `Bearer ${TOKEN_B}`],
      args: { context: "ctx-b" },
    });
    expect([codeOf(a), codeOf(b)]).toEqual(["ok", "ok"]);
    expect(seen).toEqual([
      { host: "127.0.0.1:6443", authorization: `Bearer ${TOKEN_A}` },
      { host: "127.0.0.1:6444", authorization: `Bearer ${TOKEN_B}` },
    ]);
    expect(textOf(b).split("\n")[0]).toMatch(
      /^cluster: 127\.0\.0\.1:6444 ca:sha256:[0-9a-f]{16} context:ctx-b$/,
    );
    expect(b.structuredContent?.cluster).toMatchObject({ host: "127.0.0.1:6444", context: "ctx-b" });
    expect(JSON.stringify(seen)).not.toContain(SERVER_IDENTITY);
  });

  it("a bare token is accepted in kubernetes-authorization", async () => {
    expect(codeOf(await call(deps(), { headers: ["kubernetes-authorization", TOKEN_A] }))).toBe("ok");
    expect(seen).toEqual([{ host: "127.0.0.1:6443", authorization: `Bearer ${TOKEN_A}` }]);
  });
});

describe("known-clusters: refusals before any request", () => {
  const refusals: Array<[string, Call, string, RegExp]> = [
    [
      "no token at all",
      { headers: [] },
      "missing-header",
      /"authorization" or "kubernetes-authorization".*AH-KC-1/,
    ],
    [
      "both token headers, both valid",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`, "kubernetes-authorization", `Bearer ${TOKEN_A}`] },
      "conflicting-headers",
      /both sent.*AH-KC-2/,
    ],
    [
      "a Basic Authorization next to a valid kubernetes-authorization (no shadowing)",
      { headers: ["Authorization", "Basic dXNlcjpwYXNz", "kubernetes-authorization", `Bearer ${TOKEN_A}`] },
      "conflicting-headers",
      /AH-KC-2/,
    ],
    [
      "Basic in Authorization",
      { headers: ["Authorization", "Basic dXNlcjpwYXNz"] },
      "invalid-header",
      /"authorization".*Bearer/,
    ],
    [
      "a bare token in Authorization",
      { headers: ["Authorization", TOKEN_A] },
      "invalid-header",
      /"authorization".*bare token/,
    ],
    [
      "an empty Authorization",
      { headers: ["Authorization", ""] },
      "invalid-header",
      /"authorization".*empty/,
    ],
    [
      "an empty kubernetes-authorization",
      { headers: ["kubernetes-authorization", " "] },
      "invalid-header",
      /empty/,
    ],
    ["bearer without a token", { headers: ["Authorization", "Bearer"] }, "invalid-header", /needs a token/],
    [
      "two spaces",
      { headers: ["Authorization", `Bearer  ${TOKEN_A}`] },
      "invalid-header",
      /exactly one space/,
    ],
    [
      "comma-joined tokens",
      { headers: ["Authorization", `Bearer ${TOKEN_A}, Bearer ${TOKEN_B}`] },
      "invalid-header",
      /comma-separated.*AH-KC-3/,
    ],
    [
      "a token header sent twice",
      {
        headers: [
          "kubernetes-authorization",
          `Bearer ${TOKEN_A}`,
          "kubernetes-authorization",
          `Bearer ${TOKEN_B}`,
        ],
      },
      "invalid-header",
      /sent 2 times.*AH-KC-3/,
    ],
    [
      "a cluster header (the cluster comes from the context)",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`, "kubernetes-server", B] },
      "invalid-header",
      /"kubernetes-server" is not supported.*"context" argument.*AH-KC-4/,
    ],
    [
      "client-certificate headers (only tokens are supported)",
      {
        headers: [
          "kubernetes-client-certificate-data",
          b64("client-alice.crt"),
          "kubernetes-client-key-data",
          "eA==",
        ],
      },
      "invalid-header",
      /only bearer tokens.*AH-KC-4/,
    ],
    [
      "a token in _meta only",
      { meta: { "kubernetes-authorization": `Bearer ${TOKEN_A}` } },
      "invalid-header",
      /_meta key "kubernetes-authorization" is not supported.*AH-KC-4/,
    ],
    [
      "a token in _meta next to a valid header",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`], meta: { "Kubernetes-Server": B } },
      "invalid-header",
      /_meta key "Kubernetes-Server"/,
    ],
    [
      "no context",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: {} },
      "invalid-argument",
      /"context" is required.*AH-KC-5/,
    ],
    [
      "an unknown context",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: { context: "ctx-z" } },
      "invalid-argument",
      /names none of this server's contexts.*AH-KC-6/,
    ],
    [
      "an empty context",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: { context: "" } },
      "invalid-argument",
      /non-empty string/,
    ],
    [
      "a context that is not a string",
      { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: { context: ["ctx-a"] } },
      "invalid-argument",
      /non-empty string/,
    ],
    [
      "no token and an unknown context: the credential first",
      { args: { context: "ctx-z" } },
      "missing-header",
      /AH-KC-1/,
    ],
  ];
  it.each(refusals)("%s", async (_name, c, code, text) => {
    const r = await call(deps(), c);
    expect(codeOf(r)).toBe(code);
    expect(textOf(r)).toMatch(text);
    expect(textOf(r)).not.toContain(TOKEN_A);
    expect(seen).toEqual([]);
  });

  it("nothing is kept: a call without a token after a served one is refused, with no request", async () => {
    const d = deps();
    expect(codeOf(await call(d, { headers: ["Authorization", `Bearer ${TOKEN_A}`] }))).toBe("ok");
    seen.length = 0;
    expect(codeOf(await call(d, { headers: [] }))).toBe("missing-header");
    expect(codeOf(await call(d, { headers: ["Authorization", `Bearer ${TOKEN_A}`], args: {} }))).toBe(
      "invalid-argument",
    );
    expect(seen).toEqual([]);
  });
});

describe("known-clusters: OAuth validation (AH-KC-10)", async () => {
  const ISSUER = "https://issuer.test";
  const AUDIENCE = "auth-headers-reference";
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const other = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const verify = oauthVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] } });
  const now = Math.floor(Date.now() / 1000);
  const sign = (
    o: {
      key?: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
      iss?: string;
      aud?: string | string[];
      exp?: number;
      nbf?: number;
    } = {},
  ) =>
    new SignJWT({ sub: "system:serviceaccount:conformance:tenant" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? [AUDIENCE, "https://kubernetes.default.svc"])
      .setIssuedAt(now - 10)
      .setExpirationTime(o.exp ?? now + 600)
      .setNotBefore(o.nbf ?? now - 10)
      .sign(o.key ?? privateKey);

  it("accepts a token that passes every check and sends it unchanged", async () => {
    const token = await sign();
    const r = await call(deps(verify), { headers: ["Authorization", `Bearer ${token}`] });
    expect(codeOf(r)).toBe("ok");
    expect(seen).toEqual([{ host: "127.0.0.1:6443", authorization: `Bearer ${token}` }]);
  });

  const bad: Array<[string, () => Promise<string>, RegExp]> = [
    [
      "a signature by another key under the same kid",
      () => sign({ key: other.privateKey }),
      /signature does not verify/,
    ],
    ["an expired token", () => sign({ exp: now - 3600 }), /expired/],
    ["a token for another audience", () => sign({ aud: "someone-else" }), /audience/],
    ["a token of another issuer", () => sign({ iss: "https://evil.test" }), /issuer/],
    ["a token not valid yet", () => sign({ nbf: now + 3600 }), /not valid yet/],
    [
      "an unsigned token (alg none)",
      async () =>
        `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: now + 600 })).toString("base64url")}.`,
      /algorithm|not a signed JWT/,
    ],
    ["an opaque token", async () => TOKEN_A, /not a signed JWT/],
  ];
  it.each(bad)("refuses %s before any request", async (_name, make, why) => {
    const token = await make();
    const r = await call(deps(verify), { headers: ["Authorization", `Bearer ${token}`] });
    expect(codeOf(r)).toBe("unauthorized");
    expect(textOf(r)).toMatch(why);
    expect(textOf(r)).not.toContain(token.slice(0, 20));
    expect(seen).toEqual([]);
  });
});

describe("known-clusters: the kubeconfig", () => {
  const load = (text: string, o = { allowPlainHttp: false, allowInsecureTls: false }) =>
    loadKubeconfig(kubeconfig(text), o);
  const one = (cluster: string) =>
    `clusters:\n- name: c\n  cluster: ${cluster}\ncontexts:\n- name: x\n  context: { cluster: c, user: u }\n`;

  it("reads each context's server and CA, a CA file relative to the kubeconfig", () => {
    const dir = mkdtempSync(join(tmpdir(), "known-clusters-"));
    writeFileSync(join(dir, "ca.crt"), Buffer.from(b64("ca-a.crt"), "base64"));
    writeFileSync(join(dir, "config"), one(`{ server: "${A}", certificate-authority: ca.crt }`));
    const ctx = loadKubeconfig(join(dir, "config"), { allowPlainHttp: false, allowInsecureTls: false }).get(
      "x",
    );
    expect(ctx?.server.href).toBe(`${A}/`);
    expect(ctx?.caFingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ["no CA", `{ server: "${A}" }`, /no certificate-authority/],
    [
      "insecure without the opt-in",
      `{ server: "${A}", insecure-skip-tls-verify: true }`,
      /--allow-insecure-tls/,
    ],
    [
      "plain http without the opt-in",
      `{ server: "http://127.0.0.1:8080", certificate-authority-data: ${b64("ca-a.crt")} }`,
      /--allow-plain-http/,
    ],
    [
      "a CA that is not PEM",
      `{ server: "${A}", certificate-authority-data: ${Buffer.from("junk").toString("base64")} }`,
      /PEM/,
    ],
    [
      "a proxy",
      `{ server: "${A}", certificate-authority-data: ${b64("ca-a.crt")}, proxy-url: "http://p" }`,
      /proxy-url/,
    ],
  ])("refuses a context with %s, naming it", (_name, cluster, why) => {
    expect(() => load(one(cluster))).toThrow(KubeconfigError);
    expect(() => load(one(cluster))).toThrow(why);
    expect(() => load(one(cluster))).toThrow(/context "x"/);
  });

  it("an insecure context with the opt-in, and never with a CA", () => {
    const o = { allowPlainHttp: false, allowInsecureTls: true };
    expect(
      load(one(`{ server: "${A}", insecure-skip-tls-verify: true }`), o).get("x")?.insecureSkipTlsVerify,
    ).toBe(true);
    expect(() =>
      load(
        one(
          `{ server: "${A}", insecure-skip-tls-verify: true, certificate-authority-data: ${b64("ca-a.crt")} }`,
        ),
        o,
      ),
    ).toThrow(/together with a CA/);
  });
});
