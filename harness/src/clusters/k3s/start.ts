// The k3s backend: a real k3s in a container (testcontainers), with the same
// ClusterInfo as the local backend. The audit log is written to a bind mount
// so the same file-based oracle reads it; the CAs and the ServiceAccount key
// are copied out so the forged-credential cases work the same way.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { K3sContainer, type StartedK3sContainer } from "@testcontainers/k3s";
import { parse } from "yaml";
import { abilitiesFromInfo } from "../abilities.js";
import { OWNED_CLUSTER_NAMES } from "../names.js";
import type { ClusterInfo } from "../types.js";

/** Pinned to the tag the testcontainers k3s module documents; override with AUTH_HEADERS_K3S_IMAGE. */
export const DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.2-k3s1";
export const K3S_IMAGE = process.env.AUTH_HEADERS_K3S_IMAGE ?? DEFAULT_K3S_IMAGE;

const AUDIT_DIR = "/var/log/conformance";
const TLS = "/var/lib/rancher/k3s/server/tls";

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`;

export interface K3sProcess {
  info: ClusterInfo;
  container: StartedK3sContainer;
  hostDir: string;
}

async function cat(c: StartedK3sContainer, path: string): Promise<string> {
  const r = await c.exec(["cat", path]);
  if (r.exitCode !== 0) throw new Error(`reading ${path} from k3s: ${r.stderr || r.output}`);
  return r.output;
}

export async function startK3s(name: string): Promise<K3sProcess> {
  const hostDir = mkdtempSync(join(tmpdir(), `auth-headers-k3s-${name}-`));
  writeFileSync(join(hostDir, "audit-policy.yaml"), auditPolicy);
  const container = await new K3sContainer(K3S_IMAGE)
    .withBindMounts([{ source: hostDir, target: AUDIT_DIR, mode: "rw" }])
    .withCommand([
      "server",
      "--disable=traefik,metrics-server,local-storage,coredns,servicelb",
      `--kube-apiserver-arg=audit-policy-file=${AUDIT_DIR}/audit-policy.yaml`,
      `--kube-apiserver-arg=audit-log-path=${AUDIT_DIR}/audit.log`,
      "--kube-apiserver-arg=audit-log-format=json",
      "--kube-apiserver-arg=audit-log-mode=blocking",
      `--kube-apiserver-arg=service-account-issuer=https://${name}.conformance.invalid`,
      "--kube-apiserver-arg=anonymous-auth=false",
    ])
    .start();
  const kubeconfig = parse(container.getKubeConfig()) as {
    clusters: { cluster: { server: string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const user = kubeconfig.users[0]?.user;
  const server = kubeconfig.clusters[0]?.cluster.server.replace("localhost", "127.0.0.1");
  if (!user || !server) throw new Error("k3s kubeconfig has no cluster or user");
  const dec = (s: string) => Buffer.from(s, "base64").toString("utf8");
  const base = {
    name,
    backend: "k3s" as const,
    server,
    caPem: await cat(container, `${TLS}/server-ca.crt`),
    admin: {
      certPem: dec(user["client-certificate-data"]),
      keyPem: dec(user["client-key-data"]),
      user: "system:admin",
    },
    clientCa: {
      certPem: await cat(container, `${TLS}/client-ca.crt`),
      keyPem: await cat(container, `${TLS}/client-ca.key`),
    },
    serviceAccount: {
      signingKeyPem: await cat(container, `${TLS}/service.key`),
      issuer: `https://${name}.conformance.invalid`,
    },
    auditLogPath: join(hostDir, "audit.log"),
    namespaces: OWNED_CLUSTER_NAMES.namespaces,
  };
  const info: ClusterInfo = { ...base, abilities: abilitiesFromInfo(base) };
  return { info, container, hostDir };
}

export async function stopK3s(p: K3sProcess): Promise<void> {
  await p.container.stop();
  rmSync(p.hostDir, { recursive: true, force: true });
}
