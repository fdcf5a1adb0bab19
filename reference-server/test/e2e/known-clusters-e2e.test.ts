// The reference server's known-clusters class (docs/spec.md section 11) against real control
// planes, the audit log as the witness: the caller's token reaches only the context the call
// names, the kubeconfig's own user (a real identity on every cluster) is never used, an unknown
// context is refused with no request, and OAuth validation against a cluster's real
// ServiceAccount issuer keys refuses a bad signature, an expired token and a wrong audience
// while it accepts a real TokenRequest token.
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertAllBy, assertNone } from "../../../harness/src/audit/verdicts.js";
import { attach, type Cluster } from "../../../harness/src/clusters/index.js";
import type { AuditEvent, ClusterInfo, Identity } from "../../../harness/src/clusters/types.js";
import { signServiceAccountToken } from "../../../harness/src/credentials/forge.js";
import { McpSession } from "../../../harness/src/mcp/client.js";
import { loadKubeconfig } from "../../src/contexts/kubeconfig.js";
import { readJwks } from "../../src/contexts/oauth.js";
import { createReferenceServer, type ReferenceServer } from "../../src/server.js";

const AUDIENCE = "auth-headers-reference";
let a: Cluster;
let b: Cluster;
let c: Cluster;
/** The kubeconfig's user on each cluster: a real certificate identity, so any use of it shows in the audit log. */
let serverIdentity: Map<string, Identity>;
let kubeconfigPath: string;
const servers: ReferenceServer[] = [];
const dir = mkdtempSync(join(tmpdir(), "known-clusters-e2e-"));

beforeAll(async () => {
  [a, b, c] = inject("clusters").map(attach) as [Cluster, Cluster, Cluster];
  const ids = await Promise.all([a, b, c].map((cl) => cl.mintCertIdentity({ prefix: "server-identity" })));
  serverIdentity = new Map([a, b, c].map((cl, i) => [cl.name, ids[i] as Identity]));
  kubeconfigPath = join(dir, "config");
  writeFileSync(kubeconfigPath, kubeconfigOf([a, b, c], serverIdentity), { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Contexts a, b, c; each with the cluster's server identity as its user, which the server must never use. */
function kubeconfigOf(clusters: Cluster[], users: Map<string, Identity>): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const names = ["a", "b", "c"];
  const lines = ["apiVersion: v1", "kind: Config", "current-context: a", "clusters:"];
  clusters.forEach((cl, i) => {
    lines.push(`- name: ${names[i]}`, "  cluster:", `    server: ${cl.server}`);
    lines.push(`    certificate-authority-data: ${b64(cl.info.caPem)}`);
  });
  lines.push("users:");
  clusters.forEach((cl, i) => {
    const h = users.get(cl.name)?.headers ?? {};
    lines.push(`- name: server-${names[i]}`, "  user:");
    lines.push(`    client-certificate-data: ${h["kubernetes-client-certificate-data"]}`);
    lines.push(`    client-key-data: ${h["kubernetes-client-key-data"]}`);
  });
  lines.push("contexts:");
  for (const n of names)
    lines.push(`- name: ${n}`, "  context:", `    cluster: ${n}`, `    user: server-${n}`);
  return `${lines.join("\n")}\n`;
}

async function start(oauth?: { issuer: string; jwksFile: string }): Promise<string> {
  const contexts = loadKubeconfig(kubeconfigPath, { allowPlainHttp: false, allowInsecureTls: false });
  const s = createReferenceServer({
    port: 0,
    logLevel: "silent",
    knownClusters: {
      contexts,
      ...(oauth
        ? { oauth: { issuer: oauth.issuer, audience: AUDIENCE, jwks: readJwks(oauth.jwksFile) } }
        : {}),
    },
  });
  servers.push(s);
  return s.listen();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenOf = (id: Identity) => (id.headers["kubernetes-authorization"] ?? "").replace(/^Bearer /, "");

/** Marks every cluster's audit log, runs `fn`, and returns what each cluster saw meanwhile. */
async function witnessed<T>(fn: () => Promise<T>) {
  const marks = await Promise.all([a, b, c].map((cl) => cl.audit.mark()));
  const out = await fn();
  const [onA, onB, onC] = await Promise.all([a, b, c].map((cl, i) => cl.audit.settled(marks[i] as never)));
  return { out, onA: onA ?? [], onB: onB ?? [], onC: onC ?? [] };
}

/** One namespaces_list call in a fresh session, with what each cluster saw meanwhile. */
async function witnessedCall(url: string, args: Record<string, unknown>, headers: Record<string, string>) {
  const session = await McpSession.http(url);
  try {
    return await witnessed(() => session.call("namespaces_list", args, { headers }));
  } finally {
    await session.close();
  }
}

function assertNoRequest(seen: { onA: AuditEvent[]; onB: AuditEvent[]; onC: AuditEvent[] }): void {
  assertNone(seen.onA, "cluster A");
  assertNone(seen.onB, "cluster B");
  assertNone(seen.onC, "cluster C");
}

describe("known-clusters: the token reaches only the named context", () => {
  it("context a with A's token: A sees only that identity; B and C see nothing", async () => {
    const id = await a.mintTokenIdentity();
    const seen = await witnessedCall(await start(), { context: "a" }, bearer(tokenOf(id)));
    expect(seen.out.isError, seen.out.text).toBe(false);
    expect(seen.out.text).toContain("context:a");
    assertAllBy(seen.onA, id.user, "cluster A");
    expect(seen.onA.some((e) => e.requestURI === "/api/v1/namespaces")).toBe(true);
    assertNoRequest({ ...seen, onA: [] });
  });

  it("switching contexts in one session: each call on its own cluster with its own identity", async () => {
    const url = await start();
    const [idA, idB] = await Promise.all([a.mintTokenIdentity(), b.mintTokenIdentity()]);
    const session = await McpSession.http(url);
    try {
      const { out, onA, onB, onC } = await witnessed(async () => [
        await session.call("namespaces_list", { context: "a" }, { headers: bearer(tokenOf(idA)) }),
        await session.call("namespaces_list", { context: "b" }, { headers: bearer(tokenOf(idB)) }),
        await session.call("namespaces_list", { context: "a" }, { headers: bearer(tokenOf(idA)) }),
      ]);
      expect(out.map((r) => (r.isError ? r.text : "ok"))).toEqual(["ok", "ok", "ok"]);
      assertAllBy(onA, idA.user, "cluster A");
      assertAllBy(onB, idB.user, "cluster B");
      assertNone(onC, "cluster C");
    } finally {
      await session.close();
    }
  });
});

describe("known-clusters: refusals contact no cluster and never use the kubeconfig's user", () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ["no token", {}, "missing-header"],
    ["a Basic Authorization", { authorization: "Basic dXNlcjpwYXNz" }, "invalid-header"],
    ["an empty kubernetes-authorization", { "kubernetes-authorization": "" }, "invalid-header"],
    [
      "client-certificate headers",
      { "kubernetes-client-certificate-data": "eA==", "kubernetes-client-key-data": "eA==" },
      "invalid-header",
    ],
  ];
  it.each(cases)(
    "%s: refused, and no cluster sees any request (the server identity included)",
    async (_n, headers, code) => {
      const seen = await witnessedCall(await start(), { context: "a" }, headers);
      expect(seen.out.code, seen.out.text).toBe(code);
      assertNoRequest(seen);
    },
  );

  it("an unknown context is refused before any request; the same token on a known context is served", async () => {
    const url = await start();
    const id = await a.mintTokenIdentity();
    const seen = await witnessedCall(url, { context: "zzz" }, bearer(tokenOf(id)));
    expect(seen.out.code, seen.out.text).toBe("invalid-argument");
    assertNoRequest(seen);
    const ok = await witnessedCall(url, { context: "a" }, bearer(tokenOf(id)));
    expect(ok.out.isError, ok.out.text).toBe(false);
  });

  it("the kubeconfig's user is a working identity on the cluster (premise: its absence above is meaningful)", async () => {
    const id = serverIdentity.get(a.name);
    if (!id) throw new Error("no server identity");
    const tuple = createReferenceServer({ port: 0, logLevel: "silent" });
    servers.push(tuple);
    const seen = await witnessedCall(await tuple.listen(), {}, id.headers);
    expect(seen.out.isError, seen.out.text).toBe(false);
    assertAllBy(seen.onA, id.user, "cluster A");
  });
});

describe("known-clusters: OAuth validation with cluster A's real ServiceAccount issuer", () => {
  let jwksFile: string;
  let issuer: string;
  beforeAll(async () => {
    issuer = a.info.serviceAccount.issuer ?? "";
    if (!issuer) throw new Error("cluster A has no ServiceAccount issuer");
    jwksFile = join(dir, "jwks.json");
    writeFileSync(jwksFile, await adminGet(a.info, "/openid/v1/jwks"));
  });

  it("accepts a real TokenRequest token for both audiences; the API server sees that identity", async () => {
    const id = await a.mintTokenIdentity({ audiences: [issuer, AUDIENCE] });
    const seen = await witnessedCall(
      await start({ issuer, jwksFile }),
      { context: "a" },
      bearer(tokenOf(id)),
    );
    expect(seen.out.isError, seen.out.text).toBe(false);
    assertAllBy(seen.onA, id.user, "cluster A");
  });

  it.each([
    ["a real token for the API server's audience only", "audience"],
    ["a token of the cluster's own key, expired", "expired"],
    ["a token re-signed by another key under the cluster's key id", "signature"],
    [
      "a real token of cluster B (another issuer, key unknown here)",
      "key the issuer does not publish|issuer",
    ],
  ])("refuses %s, naming the check, before any request", async (name, why) => {
    const token = await badToken(name);
    const seen = await witnessedCall(await start({ issuer, jwksFile }), { context: "a" }, bearer(token));
    expect(seen.out.code, seen.out.text).toBe("unauthorized");
    expect(seen.out.text).toMatch(new RegExp(why));
    expect(seen.out.text).not.toContain(token.slice(-20));
    assertNoRequest(seen);
  });

  async function badToken(name: string): Promise<string> {
    if (name.includes("audience only")) return tokenOf(await a.mintTokenIdentity());
    if (name.includes("cluster B")) return tokenOf(await b.mintTokenIdentity({ audiences: [AUDIENCE] }));
    const real = await a.mintTokenIdentity({ audiences: [issuer, AUDIENCE] });
    if (name.includes("expired")) {
      const day = 86_400_000;
      const now = Date.now();
      return signServiceAccountToken(
        a.info,
        real.kind === "token" ? real.serviceAccount : { namespace: "", name: "", uid: "" },
        { notBefore: new Date(now - 2 * day), expires: new Date(now - day) },
        [issuer, AUDIENCE],
      );
    }
    // Same header and claims as the real token, signed by a fresh P-256 key.
    const [header, claims] = tokenOf(real).split(".");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const sig = sign("sha256", Buffer.from(`${header}.${claims}`), {
      key: privateKey,
      dsaEncoding: "ieee-p1363",
    });
    return `${header}.${claims}.${sig.toString("base64url")}`;
  }
});

/** GET as the harness's admin (the JWKS is served to authenticated callers only). */
function adminGet(info: ClusterInfo, path: string): Promise<string> {
  const url = new URL(path, info.server);
  return new Promise((resolve, reject) => {
    get(
      {
        host: url.hostname,
        port: url.port,
        path,
        ca: info.caPem,
        cert: info.admin.certPem,
        key: info.admin.keyPem,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: HTTP ${res.statusCode}`)),
        );
      },
    ).on("error", reject);
  });
}
