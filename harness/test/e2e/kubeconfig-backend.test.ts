// Existing clusters through a kubeconfig, as a provider author's kind or k3d
// clusters would be used: `clusters up --no-audit-log --kubeconfig-out` starts
// real local control planes without an audit log and writes admin contexts;
// the kubeconfig backend prepares run-scoped namespaces on them, mints both
// identity kinds, proves identities through their private ConfigMaps, and
// removes everything at the end and on Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CertificatesV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/catalogue/defects.js";
import { AbilityUnavailableError } from "../../src/clusters/abilities.js";
import { attach, type RunningClusters, startClusters } from "../../src/clusters/index.js";
import { adminKubeConfig } from "../../src/clusters/kube.js";
import { RUN_LABEL } from "../../src/clusters/names.js";
import type { ClusterInfo } from "../../src/clusters/types.js";
import { directGet } from "../../src/credentials/direct.js";
import { runConformance } from "./conformance-runs.js";

let dir: string;
let up: ChildProcess;
let upExited: Promise<number | null>;
let kubeconfigFile: string;
let owned: ClusterInfo[];

/** Starts the CLI and resolves with its output so far when it printed `marker` (stdout or stderr). */
function startCli(
  args: string[],
  marker: string,
): { child: ChildProcess; ready: Promise<string>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ["harness/bin/auth-headers-conformance.js", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) resolve(out);
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    void exited.then((code) =>
      out.includes(marker) ? resolve(out) : reject(new Error(`exited (${code}): ${out}`)),
    );
  });
  return { child, ready, exited, output: () => out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kubeconfig-backend-"));
  kubeconfigFile = join(dir, "kubeconfig");
  const clustersFile = join(dir, "clusters.json");
  const cli = startCli(
    [
      "clusters",
      "up",
      "--backend",
      "local",
      "--count",
      "3",
      "--no-audit-log",
      "--out",
      clustersFile,
      "--kubeconfig-out",
      kubeconfigFile,
    ],
    "Ctrl-C stops them",
  );
  up = cli.child;
  upExited = cli.exited;
  await cli.ready;
  owned = (JSON.parse(readFileSync(clustersFile, "utf8")) as { harness: ClusterInfo[] }).harness;
}, 240_000);

afterAll(async () => {
  if (up && up.exitCode === null) {
    up.kill("SIGINT");
    await upExited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const runObjects = async (kc: KubeConfig, runId: string) => {
  const labelSelector = `${RUN_LABEL}=${runId}`;
  const [ns, csr, roles] = await Promise.all([
    kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector }),
    kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest({ labelSelector }),
    kc.makeApiClient(RbacAuthorizationV1Api).listClusterRole({ labelSelector }),
  ]);
  return { namespaces: ns.items.length, csrs: csr.items.length, clusterRoles: roles.items.length };
};

describe("local control planes without an audit log, as existing clusters", () => {
  it("really run without an audit log, and the admin kubeconfig is private", () => {
    expect(statSync(kubeconfigFile).mode & 0o777).toBe(0o600);
    for (const info of owned) {
      expect(info.auditLogPath).toBeUndefined();
      expect(info.abilities.auditLog.available).toBe(false);
      const args = readFileSync(`/proc/${info.pid}/cmdline`, "utf8").split("\0");
      expect(args).toContain("--audit-log=false");
      const dataDir = args[args.indexOf("--data-dir") + 1] ?? "";
      expect(existsSync(join(dataDir, "pki"))).toBe(true);
      expect(existsSync(join(dataDir, "audit.log"))).toBe(false);
    }
  });
});

describe("the kubeconfig backend", () => {
  let running: RunningClusters | undefined;
  afterAll(async () => running?.stop());

  it("prepares run-scoped namespaces, mints both identity kinds, proves identity without an audit log, and cleans up", {
    timeout: 180_000,
  }, async () => {
    running = await startClusters({
      count: 2,
      backend: "kubeconfig",
      kubeconfig: { file: kubeconfigFile, contexts: ["cluster-a", "cluster-b"] },
    });
    const [a, b] = running.clusters.map(attach);
    if (!a || !b) throw new Error("two clusters expected");
    const runId = a.info.runId ?? "";
    expect(runId).toMatch(/^[a-z0-9]+$/);
    expect(b.info.runId).toBe(runId);
    expect(a.namespaces).toEqual({
      fixture: `conformance-${runId}`,
      forbidden: `conformance-${runId}-forbidden`,
      identities: `conformance-${runId}-identities`,
    });
    expect(a.info.server).toBe(owned[0]?.server);
    // What an existing cluster does not give the harness, each with its reason.
    for (const ability of ["auditLog", "forgeExpiredToken", "forgeExpiredCert", "restart"] as const)
      expect(a.whyUnavailable(ability)).toMatch(/^existing cluster: /);
    expect(a.can("signCerts")).toBe(true);
    await expect(a.forgeExpiredToken()).rejects.toBeInstanceOf(AbilityUnavailableError);
    await expect(a.audit.since(await a.audit.mark())).rejects.toBeInstanceOf(AbilityUnavailableError);

    const kcA = adminKubeConfig(a.info);
    expect(await runObjects(kcA, runId)).toMatchObject({ namespaces: 3, clusterRoles: 1 });

    const [token, cert] = await Promise.all([a.mintTokenIdentity(), a.mintCertIdentity()]);
    expect(token.user).toBe(`system:serviceaccount:conformance-${runId}:${token.user.split(":").pop()}`);
    expect(cert.user).toMatch(/^conformance:cert:/);

    // Tenants see this run's fixtures and are refused the forbidden namespace.
    const identityPath = `/api/v1/namespaces/${a.namespaces.fixture}/configmaps/cluster-identity`;
    for (const id of [token, cert]) {
      const r = await directGet(id.headers, identityPath);
      expect(r.status, id.kind).toBe(200);
      expect((r.body as { data: { uid: string } }).data.uid).toBe(a.info.identityUid);
      const forbidden = `/api/v1/namespaces/${a.namespaces.forbidden}/configmaps/forbidden-plans`;
      expect((await directGet(id.headers, forbidden)).status, id.kind).toBe(403);
    }

    // Each identity reads its own private ConfigMap (with its nonce) and is refused the other's.
    const path = (id: typeof token | typeof cert) => {
      const p = a.privateConfigMap(id);
      return `/api/v1/namespaces/${p.namespace}/configmaps/${p.name}`;
    };
    for (const [self, other] of [
      [token, cert],
      [cert, token],
    ] as const) {
      const own = await directGet(self.headers, path(self));
      expect(own.status, self.kind).toBe(200);
      expect((own.body as { data: { nonce: string; user: string } }).data).toEqual({
        nonce: a.privateConfigMap(self).nonce,
        user: self.user,
      });
      expect(
        (await directGet(self.headers, path(other))).status,
        `${self.kind} reading ${other.kind}'s`,
      ).toBe(403);
    }
    // A token of cluster A is foreign to cluster B.
    expect((await directGet(b.retarget(token.headers), "/api/v1/namespaces")).status).toBe(401);

    const t0 = Date.now();
    await running.stop();
    running = undefined;
    process.stderr.write(
      `[kubeconfig e2e] cleanup of 2 clusters: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    for (const c of [a, b])
      expect(await runObjects(adminKubeConfig(c.info), runId), c.name).toEqual({
        namespaces: 0,
        csrs: 0,
        clusterRoles: 0,
      });
    // The identities lost their access with the namespaces (401 once the API server's
    // ServiceAccount cache has seen the deletion, 403 until then).
    expect([401, 403]).toContain((await directGet(token.headers, identityPath)).status);
  });

  it("`run --kubeconfig` runs scenarios there and leaves nothing behind, also when stopped by SIGTERM", {
    timeout: 240_000,
  }, async () => {
    const contexts = owned.map((c) => c.name).join(",");
    const kc = adminKubeConfig(owned[0] as ClusterInfo);
    const all = async () =>
      (await kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector: RUN_LABEL })).items;
    const before = (await all()).length;
    const reportDir = join(dir, "run-report");
    const run = (into: string) => [
      "run",
      "--target",
      "reference",
      "--kubeconfig",
      kubeconfigFile,
      "--contexts",
      contexts,
      "--tags",
      "@AH-HDR-4",
      "--report-dir",
      into,
    ];
    const done = startCli(run(reportDir), "reports in");
    done.ready.catch(() => undefined); // judged by the exit code and the whole output below
    const code = await done.exited;
    const out = done.output();
    expect(code, out.slice(-3000)).toBe(0);
    expect(out).toMatch(/cluster-a: removed run [a-z0-9]+ \(3 namespace\(s\)\)/);
    const verdict = JSON.parse(readFileSync(join(reportDir, "verdict.json"), "utf8")) as {
      verdict: { scenarios: { verdict: string }[] };
    };
    expect(verdict.verdict.scenarios.length).toBeGreaterThan(0);
    expect(verdict.verdict.scenarios.filter((s) => s.verdict === "fail")).toEqual([]);
    expect((await all()).length).toBe(before);

    const stopped = startCli(run(join(dir, "stopped")), "clusters ready");
    await stopped.ready;
    expect((await all()).length).toBe(before + 3);
    stopped.child.kill("SIGTERM");
    expect(await stopped.exited).toBe(130);
    expect((await all()).length).toBe(before);
  });

  it("judges the reference server and two defects through --backend kubeconfig, with no audit log anywhere", {
    timeout: 600_000,
  }, async () => {
    const contexts = ["--kubeconfig", kubeconfigFile, "--contexts", owned.map((c) => c.name).join(",")];
    // The reference: nothing fails, and what only an audit log could prove is partial, never passed.
    const ref = await runConformance([
      "--target",
      "reference",
      ...contexts,
      "--tags",
      "not @load and not @fault and not @fuzz",
    ]);
    expect(ref.outcome, ref.output.slice(-3000)).toBe("PARTIAL");
    expect(ref.exitCode).toBe(0);
    expect(ref.requirements.filter((q) => q.verdict === "fail")).toEqual([]);
    const src3 = ref.requirements.find((q) => q.id === "AH-SRC-3");
    expect(src3?.verdict).toBe("partial");
    expect(src3?.notes?.join()).toMatch(/audit/);
    // Identities proven without the audit log: the private-object reads pass.
    const proved = ref.scenarios.flatMap((s) => s.checks).filter((c) => /^audit-.*-served-on-/.test(c.id));
    expect(proved.length).toBeGreaterThan(5);
    expect(proved.filter((c) => c.status !== "pass")).toEqual([]);
    // Two defects fail exactly their own requirements here too.
    const catalogue = loadCatalogue();
    for (const defect of ["bearer-bearer", "cache-by-server"]) {
      const r = await runConformance(
        ["--target", "reference-faulty", ...contexts, "--tags", "@auth or @switching"],
        {
          AUTH_HEADERS_DEFECT: defect,
        },
      );
      const fails = r.requirements
        .filter((q) => q.verdict === "fail")
        .map((q) => q.id)
        .sort();
      expect(fails, `${defect}: ${r.causes.map((c) => c.message).join("; ")}`).toEqual(
        [...(catalogue.defects[defect]?.fails ?? [])].sort(),
      );
    }
  });

  it("`clusters up --kubeconfig` removes what it created on Ctrl-C", { timeout: 120_000 }, async () => {
    const out = join(dir, "existing.json");
    const cli = startCli(
      [
        "clusters",
        "up",
        "--kubeconfig",
        kubeconfigFile,
        "--contexts",
        "cluster-b",
        "--count",
        "1",
        "--out",
        out,
      ],
      "Ctrl-C removes what this run created",
    );
    await cli.ready;
    const [info] = (JSON.parse(readFileSync(out, "utf8")) as { harness: ClusterInfo[] }).harness;
    if (!info?.runId) throw new Error("no run id in the clusters file");
    const kc = adminKubeConfig(info);
    expect((await runObjects(kc, info.runId)).namespaces).toBe(3);
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(130);
    expect(await runObjects(kc, info.runId)).toEqual({ namespaces: 0, csrs: 0, clusterRoles: 0 });
  });
});
