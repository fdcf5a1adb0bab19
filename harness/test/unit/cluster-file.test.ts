import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { abilitiesFromInfo } from "../../src/clusters/abilities.js";
import { parseClusterFile, readClusterFile } from "../../src/clusters/file.js";
import { OWNED_CLUSTER_NAMES } from "../../src/clusters/names.js";
import type { ClusterInfo } from "../../src/clusters/types.js";

// Recognisable stand-ins for the secrets a cluster file holds; none may appear in an error.
const ADMIN_KEY =
  "-----BEGIN PRIVATE KEY-----\nADMINKEYMATERIAL0123456789abcdef\n-----END PRIVATE KEY-----\n";
const CA_KEY =
  "-----BEGIN EC PRIVATE KEY-----\nCLIENTCAKEYMATERIALfedcba987654\n-----END EC PRIVATE KEY-----\n";
const SA_KEY = "-----BEGIN PRIVATE KEY-----\nSIGNINGKEYMATERIALzyxwvut\n-----END PRIVATE KEY-----\n";
const SECRETS = [ADMIN_KEY, CA_KEY, SA_KEY, "ADMINKEYMATERIAL", "CLIENTCAKEYMATERIAL", "SIGNINGKEYMATERIAL"];

function info(name: string): ClusterInfo {
  const base = {
    name,
    backend: "local",
    server: "https://127.0.0.1:6443",
    caPem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
    admin: {
      certPem: "-----BEGIN CERTIFICATE-----\nADMIN\n-----END CERTIFICATE-----\n",
      keyPem: ADMIN_KEY,
      user: "admin",
    },
    clientCa: { certPem: "-----BEGIN CERTIFICATE-----\nCCA\n-----END CERTIFICATE-----\n", keyPem: CA_KEY },
    serviceAccount: { signingKeyPem: SA_KEY, issuer: "https://kubernetes.default.svc" },
    auditLogPath: `/tmp/${name}-audit.log`,
  } as const;
  return { ...base, namespaces: OWNED_CLUSTER_NAMES.namespaces, abilities: abilitiesFromInfo(base) };
}

/** The user-facing part `clusters up --out` writes next to `harness`. */
const userFacing = (i: ClusterInfo) => ({
  name: i.name,
  server: i.server,
  identities: [{ kind: "token", headers: { authorization: "Bearer user-token-123" } }],
});

/** Parses and returns the error message (failing the test if it parses). */
function refusal(text: string, file: string): string {
  let message: string | undefined;
  try {
    parseClusterFile(text, file);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message, "expected the file to be refused").toBeDefined();
  for (const s of SECRETS) expect(message).not.toContain(s);
  expect(message).not.toContain("user-token-123");
  return message as string;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("cluster file (clusters up --out, run --clusters-file)", () => {
  it("accepts a bare ClusterInfo[] (what the runner writes for its workers)", () => {
    const infos = [info("a"), info("b")];
    expect(parseClusterFile(JSON.stringify(infos), "workers.json")).toEqual(infos);
    expect(parseClusterFile("[]", "empty.json")).toEqual([]);
  });

  it("accepts the `clusters up --out` shape and returns its `harness` member", () => {
    const infos = [info("a"), info("b")];
    const file = { clusters: infos.map(userFacing), harness: infos };
    expect(parseClusterFile(JSON.stringify(file, null, 2), "clusters.json")).toEqual(infos);
  });

  it("refuses non-JSON naming the file, without echoing any of its text", () => {
    // a truncated cluster file: JSON.parse's own message would quote the text around the error
    const truncated = JSON.stringify([info("a")]).slice(0, -40);
    for (const [text, file] of [
      [truncated, "/tmp/truncated-clusters.json"],
      [`${ADMIN_KEY} not json`, "key.pem"],
      ["", "empty-file.json"],
    ] as const) {
      const message = refusal(text, file);
      expect(message).toContain(file);
      expect(message).toMatch(/not JSON/);
    }
  });

  it("refuses {clusters:[...]} without `harness`, naming the file and `clusters up --out`", () => {
    const infos = [info("a")];
    for (const [value, file] of [
      [{ clusters: infos.map(userFacing) }, "/work/clusters-no-harness.json"],
      // the full ClusterInfo[] under the wrong key is not guessed at either
      [{ clusters: infos }, "wrong-key.json"],
      [{ clusters: infos.map(userFacing), harness: {} }, "harness-object.json"],
      [{ clusters: infos.map(userFacing), harness: [{ ...infos[0], admin: {} }] }, "harness-incomplete.json"],
      [null, "null.json"],
      [{}, "object.json"],
      ["a string", "string.json"],
      [[info("a"), { name: "b" }], "partial-array.json"],
    ] as const) {
      const message = refusal(JSON.stringify(value), file);
      expect(message).toContain(file);
      expect(message).toContain("clusters up --out");
    }
  });

  it("fills in namespaces and abilities for files written before they were recorded", () => {
    const { namespaces: _n, abilities: _a, ...old } = info("a");
    const [read] = parseClusterFile(JSON.stringify([old]), "old.json");
    expect(read?.namespaces).toEqual({
      fixture: "conformance",
      forbidden: "conformance-forbidden",
      identities: "conformance-identities",
    });
    expect(read?.abilities.auditLog).toEqual({ available: true });
    expect(read?.abilities.forgeExpiredCert).toEqual({ available: true });
    const { auditLogPath: _p, ...noAudit } = old;
    const [quiet] = parseClusterFile(JSON.stringify([noAudit]), "no-audit.json");
    expect(quiet?.abilities.auditLog).toEqual({
      available: false,
      reason: "the cluster was started without an audit log",
    });
  });

  it("accepts an existing cluster reached through a kubeconfig, without keys or audit log", () => {
    const existing = {
      name: "kind-a",
      backend: "kubeconfig",
      server: "https://127.0.0.1:6443",
      caPem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
      admin: { user: "kubernetes-admin", kubeconfig: "{}" },
      clientCa: {},
      serviceAccount: {},
      runId: "ab12cd",
    };
    const [read] = parseClusterFile(JSON.stringify([existing]), "kubeconfig.json");
    expect(read?.namespaces.fixture).toBe("conformance-ab12cd");
    expect(read?.abilities.forgeExpiredToken.available).toBe(false);
    expect(read?.abilities.restart).toMatchObject({
      available: false,
      reason: expect.stringMatching(/existing/),
    });
  });

  it("readClusterFile reads the file and names it when refusing", () => {
    const dir = mkdtempSync(join(tmpdir(), "cluster-file-"));
    dirs.push(dir);
    const good = join(dir, "good.json");
    const infos = [info("a")];
    writeFileSync(good, JSON.stringify({ clusters: infos.map(userFacing), harness: infos }));
    expect(readClusterFile(good)).toEqual(infos);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ clusters: infos }));
    expect(() => readClusterFile(bad)).toThrow(bad);
    expect(() => readClusterFile(join(dir, "missing.json"))).toThrow(/ENOENT/);
  });
});
