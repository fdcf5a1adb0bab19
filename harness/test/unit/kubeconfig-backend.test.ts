// Pure parts of using existing clusters: which contexts are usable, what the
// fixtures become with run-scoped names, what the harness may do there, and
// the kubeconfig `clusters up --kubeconfig-out` writes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { chooseBackend } from "../../src/cli/kubeconfig-option.js";
import { AbilityUnavailableError, abilitiesFromInfo, requireAbility } from "../../src/clusters/abilities.js";
import { renderFixtures } from "../../src/clusters/fixtures.js";
import { adminKubeconfigYamlFor } from "../../src/clusters/kube.js";
import { KubeconfigError, parseContextList, selectContexts } from "../../src/clusters/kubeconfig/contexts.js";
import { OWNED_CLUSTER_NAMES, RUN_LABEL, runScopedNames } from "../../src/clusters/names.js";
import { clusterSecrets } from "../../src/clusters/secrets.js";
import type { ClusterInfo } from "../../src/clusters/types.js";
import { PACKAGE_ROOT } from "../../src/package-root.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const b64 = (s: string) => Buffer.from(s).toString("base64");

function kubeconfig(
  clusters: { name: string; server: string; ca?: "data" | "file" | "none" | "insecure" }[],
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: clusters.map((c) => ({
        name: c.name,
        cluster: {
          server: c.server,
          ...(c.ca === "file"
            ? { "certificate-authority": `/etc/ca/${c.name}.crt` }
            : c.ca === "insecure"
              ? { "insecure-skip-tls-verify": true }
              : c.ca === "none"
                ? {}
                : { "certificate-authority-data": b64(CA) }),
        },
      })),
      users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: `token-of-${c.name}` } })),
      contexts: clusters.map((c) => ({
        name: `ctx-${c.name}`,
        context: { cluster: c.name, user: `${c.name}-admin` },
      })),
      "current-context": `ctx-${clusters[0]?.name}`,
    }),
  );
  return kc;
}

const three = kubeconfig([
  { name: "a", server: "https://127.0.0.1:1001" },
  { name: "b", server: "https://127.0.0.1:1002", ca: "file" },
  { name: "c", server: "https://10.0.0.3:6443" },
]);
const readCa = (p: string) => (p === "/etc/ca/b.crt" ? CA : "");

function refusal(f: () => unknown): KubeconfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KubeconfigError);
    return e as KubeconfigError;
  }
  throw new Error("expected a KubeconfigError");
}

describe("selecting contexts of the user's kubeconfig", () => {
  it("turns each context into a one-context admin kubeconfig with its server and CA", () => {
    const out = selectContexts(three, ["ctx-a", "ctx-b", "ctx-c"], 3, readCa);
    expect(out.map((c) => [c.context, c.server, c.caPem])).toEqual([
      ["ctx-a", "https://127.0.0.1:1001", CA],
      ["ctx-b", "https://127.0.0.1:1002", CA],
      ["ctx-c", "https://10.0.0.3:6443", CA],
    ]);
    const one = new KubeConfig();
    one.loadFromString(out[1]?.kubeconfig ?? "");
    expect(one.getContexts().map((c) => c.name)).toEqual(["ctx-b"]);
    expect(one.getCurrentCluster()?.server).toBe("https://127.0.0.1:1002");
    expect(one.getCurrentUser()?.token).toBe("token-of-b");
  });

  it("refuses unknown contexts, listing the known ones", () => {
    const e = refusal(() => selectContexts(three, ["ctx-a", "ctx-b", "kind-x"], 3, readCa));
    expect(e.message).toBe("no context kind-x in the kubeconfig");
    expect(e.hint).toContain("ctx-a, ctx-b, ctx-c");
  });

  it("needs exactly as many distinct clusters as the suite", () => {
    expect(refusal(() => selectContexts(three, ["ctx-a", "ctx-b"], 3, readCa)).message).toMatch(
      /names 2 context\(s\); this needs 3/,
    );
    expect(refusal(() => selectContexts(three, ["ctx-a", "ctx-a", "ctx-b"], 3, readCa)).message).toMatch(
      /ctx-a is named twice/,
    );
    const twoNames = kubeconfig([
      { name: "a", server: "https://127.0.0.1:1001" },
      { name: "a2", server: "https://127.0.0.1:1001" },
    ]);
    expect(refusal(() => selectContexts(twoNames, ["ctx-a", "ctx-a2"], 2)).message).toMatch(
      /ctx-a and ctx-a2 reach the same server/,
    );
  });

  it("refuses clusters whose CA it cannot hand to the provider", () => {
    const bad = kubeconfig([
      { name: "insecure", server: "https://127.0.0.1:1", ca: "insecure" },
      { name: "none", server: "https://127.0.0.1:2", ca: "none" },
    ]);
    expect(refusal(() => selectContexts(bad, ["ctx-insecure"], 1)).message).toMatch(
      /insecure-skip-tls-verify/,
    );
    expect(refusal(() => selectContexts(bad, ["ctx-none"], 1)).message).toMatch(/no certificate-authority/);
  });

  it("parses --contexts", () => {
    expect(parseContextList(" kind-a, kind-b,,kind-c ")).toEqual(["kind-a", "kind-b", "kind-c"]);
    expect(parseContextList(undefined)).toEqual([]);
  });
});

describe("choosing the backend from the options", () => {
  it("uses the kubeconfig backend when clusters are named, and refuses contradictions", () => {
    expect(chooseBackend("auto", {})).toEqual({ backend: "auto" });
    expect(chooseBackend("auto", { kubeconfig: "k", contexts: "a,b" })).toMatchObject({
      backend: "kubeconfig",
      kubeconfig: { contexts: ["a", "b"] },
    });
    expect(chooseBackend("kubeconfig", {})).toHaveProperty("error");
    expect(chooseBackend("local", { kubeconfig: "k", contexts: "a" })).toHaveProperty("error");
    expect(chooseBackend("kubeconfig", { kubeconfig: "k" })).toHaveProperty("error");
    expect(chooseBackend("kubeconfig", { contexts: "a" })).toHaveProperty("error");
  });
});

describe("fixtures", () => {
  const text = readFileSync(join(PACKAGE_ROOT, "fixtures", "cluster.yaml"), "utf8");

  it("keep the fixed names on clusters the harness starts, without run labels", () => {
    const objs = renderFixtures(text, { clusterName: "cluster-a", uid: "u-1", names: OWNED_CLUSTER_NAMES });
    const namespaces = objs.filter((o) => o.kind === "Namespace").map((o) => o.metadata?.name);
    expect(namespaces).toEqual(["conformance", "conformance-forbidden", "conformance-identities"]);
    expect(objs.every((o) => !o.metadata?.labels?.[RUN_LABEL])).toBe(true);
    const identity = objs.find((o) => o.metadata?.name === "cluster-identity") as {
      data?: Record<string, string>;
    };
    expect(identity.data).toEqual({ name: "cluster-a", uid: "u-1" });
  });

  it("are run-scoped and labelled on existing clusters, with RBAC for this run's ServiceAccounts", () => {
    const names = runScopedNames("ab12cd");
    const objs = renderFixtures(text, { clusterName: "kind-a", uid: "u-2", names, runId: "ab12cd" });
    const allowed = new Set(Object.values(names.namespaces));
    for (const o of objs) {
      expect(o.metadata?.labels?.[RUN_LABEL], `${o.kind} ${o.metadata?.name}`).toBe("ab12cd");
      if (o.kind === "Namespace") expect(allowed.has(o.metadata?.name ?? "")).toBe(true);
      else if (!o.kind?.startsWith("Cluster")) expect(allowed.has(o.metadata?.namespace ?? "")).toBe(true);
    }
    expect(JSON.stringify(objs)).not.toMatch(/"conformance"|conformance-forbidden"|"conformance-tenant"/);
    const crb = objs.find((o) => o.kind === "ClusterRoleBinding") as unknown as {
      metadata: { name: string };
      roleRef: { name: string };
      subjects: { name: string }[];
    };
    expect(crb.metadata.name).toBe("conformance-tenant-ab12cd");
    expect(crb.roleRef.name).toBe("conformance-tenant-ab12cd");
    expect(crb.subjects.map((s) => s.name)).toContain("system:serviceaccounts:conformance-ab12cd");
    // a pod bound to a missing node would be deleted by a real cluster's pod garbage collector
    for (const pod of objs.filter((o) => o.kind === "Pod") as { spec?: { nodeName?: string } }[])
      expect(pod.spec?.nodeName).toBeUndefined();
  });

  it("refuse a placeholder they do not know", () => {
    expect(() =>
      renderFixtures(`kind: X\nmetadata: { name: \${NEW_THING} }\n`, {
        clusterName: "a",
        uid: "u",
        names: OWNED_CLUSTER_NAMES,
      }),
    ).toThrow(/unknown placeholder \$\{NEW_THING\}/);
  });

  it("run ids are DNS-label safe", () => {
    expect(() => runScopedNames("AB_12")).toThrow(/invalid run id/);
  });
});

describe("abilities", () => {
  const owned = {
    backend: "local" as const,
    auditLogPath: "/tmp/audit.log",
    clientCa: { certPem: CA, keyPem: "k" },
    serviceAccount: { signingKeyPem: "k", issuer: "https://x" },
  };

  it("a cluster the harness started can do everything", () => {
    const a = abilitiesFromInfo(owned);
    expect(Object.values(a).every((x) => x.available)).toBe(true);
  });

  it("an existing cluster has no audit log, no keys and is not restartable, each with its reason", () => {
    const a = abilitiesFromInfo({ backend: "kubeconfig", clientCa: {}, serviceAccount: {} });
    expect(a.signCerts.available).toBe(true);
    for (const k of ["auditLog", "forgeExpiredToken", "forgeExpiredCert", "restart"] as const)
      expect(a[k]).toMatchObject({ available: false, reason: expect.stringMatching(/^existing cluster: /) });
  });

  it("requireAbility throws a typed error a step can turn into 'untestable'", () => {
    const info = {
      name: "kind-a",
      abilities: abilitiesFromInfo({ backend: "kubeconfig", clientCa: {}, serviceAccount: {} }),
    };
    let err: unknown;
    try {
      requireAbility(info, "auditLog");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AbilityUnavailableError);
    expect(err).toMatchObject({
      cluster: "kind-a",
      ability: "auditLog",
      reason: expect.stringMatching(/audit log/),
    });
    expect(() => requireAbility(info, "signCerts")).not.toThrow();
  });
});

describe("clusters up --kubeconfig-out", () => {
  it("writes one admin context per cluster, named after it, that client-node can use", () => {
    const info = (name: string, port: number): ClusterInfo => ({
      name,
      backend: "local",
      server: `https://127.0.0.1:${port}`,
      caPem: CA,
      admin: { user: "conformance:admin", certPem: `CERT-${name}`, keyPem: `KEY-${name}` },
      clientCa: {},
      serviceAccount: {},
      namespaces: OWNED_CLUSTER_NAMES.namespaces,
      abilities: abilitiesFromInfo({ backend: "local", clientCa: {}, serviceAccount: {} }),
    });
    const kc = new KubeConfig();
    kc.loadFromString(adminKubeconfigYamlFor([info("cluster-a", 1), info("cluster-b", 2)]));
    expect(kc.getContexts().map((c) => c.name)).toEqual(["cluster-a", "cluster-b"]);
    kc.setCurrentContext("cluster-b");
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:2");
    expect(Buffer.from(kc.getCurrentCluster()?.caData ?? "", "base64").toString()).toBe(CA);
    expect(Buffer.from(kc.getCurrentUser()?.keyData ?? "", "base64").toString()).toBe("KEY-cluster-b");
  });
});

describe("secrets of a cluster, for the reports' scrubber", () => {
  it("include what the user's kubeconfig context carries, raw and decoded", () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: "https://10.0.0.1", caData: b64(CA), skipTLSVerify: false }],
      users: [
        { name: "u", token: "sekrit-token-123", keyData: b64("KEY-PEM-BODY"), certData: b64("CERT-PEM") },
      ],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const info = {
      name: "x",
      backend: "kubeconfig",
      server: "https://10.0.0.1",
      caPem: CA,
      admin: { user: "u", kubeconfig: kc.exportConfig() },
      clientCa: {},
      serviceAccount: {},
      namespaces: runScopedNames("ab12").namespaces,
      abilities: abilitiesFromInfo({ backend: "kubeconfig", clientCa: {}, serviceAccount: {} }),
    } satisfies ClusterInfo;
    expect(clusterSecrets(info)).toEqual(
      expect.arrayContaining(["sekrit-token-123", b64("KEY-PEM-BODY"), "KEY-PEM-BODY", "CERT-PEM"]),
    );
  });
});
