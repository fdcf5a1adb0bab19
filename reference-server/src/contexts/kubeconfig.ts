// The clusters a known-clusters server may reach (docs/spec.md section 11), read once at start-up
// from its kubeconfig. Only the clusters' URL, CA and TLS options are read: the kubeconfig's users
// (tokens, certificates, exec plugins) are the server's own identity and never a caller's
// (AH-KC-1), so this module does not even parse them.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { decodeBase64, fingerprint, parseCertificates } from "../request/pem.js";

export interface KnownContext {
  readonly name: string;
  readonly server: URL;
  /** PEM of the context's CA bundle; absent only for an opted-in insecure context. */
  readonly caPem: string | undefined;
  readonly caFingerprint: string | null;
  readonly insecureSkipTlsVerify: boolean;
}

export interface KubeconfigOptions {
  readonly allowPlainHttp: boolean;
  readonly allowInsecureTls: boolean;
}

/** A kubeconfig that cannot serve: the message names the file, the context and the field. */
export class KubeconfigError extends Error {}

interface Named<T> {
  name?: unknown;
  cluster?: T;
  context?: T;
}

interface ClusterEntry {
  server?: unknown;
  "certificate-authority-data"?: unknown;
  "certificate-authority"?: unknown;
  "insecure-skip-tls-verify"?: unknown;
  "proxy-url"?: unknown;
  "tls-server-name"?: unknown;
}

/**
 * Every context of the file, checked as AH-KC-6 says (a context that cannot be used verified is
 * refused at start-up, never reached without verification). Throws a KubeconfigError naming the
 * first context that cannot serve.
 */
export function loadKubeconfig(path: string, options: KubeconfigOptions): ReadonlyMap<string, KnownContext> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new KubeconfigError(`--kubeconfig ${path}: cannot be read as YAML: ${(err as Error).message}`);
  }
  const root = (doc ?? {}) as { clusters?: unknown; contexts?: unknown };
  const clusters = new Map<string, ClusterEntry>();
  for (const c of listOf<Named<ClusterEntry>>(root.clusters)) {
    if (typeof c.name === "string" && c.cluster) clusters.set(c.name, c.cluster);
  }
  const out = new Map<string, KnownContext>();
  for (const ctx of listOf<Named<{ cluster?: unknown }>>(root.contexts)) {
    if (typeof ctx.name !== "string" || ctx.name === "") continue;
    const where = `--kubeconfig ${path}: context "${ctx.name}"`;
    const clusterName = ctx.context?.cluster;
    const cluster = typeof clusterName === "string" ? clusters.get(clusterName) : undefined;
    if (!cluster) throw new KubeconfigError(`${where} names no cluster of the file`);
    out.set(ctx.name, contextOf(ctx.name, cluster, dirname(path), where, options));
  }
  if (out.size === 0) throw new KubeconfigError(`--kubeconfig ${path}: the file has no context`);
  return out;
}

function contextOf(
  name: string,
  c: ClusterEntry,
  baseDir: string,
  where: string,
  options: KubeconfigOptions,
): KnownContext {
  for (const field of ["proxy-url", "tls-server-name"] as const)
    if (c[field] !== undefined)
      throw new KubeconfigError(`${where}: cluster field ${field} is not supported`);
  const server = serverOf(c.server, where, options);
  const insecure = c["insecure-skip-tls-verify"] === true;
  const caText = caTextOf(c, baseDir, where);
  if (insecure) {
    if (!options.allowInsecureTls)
      throw new KubeconfigError(
        `${where}: insecure-skip-tls-verify is refused without --allow-insecure-tls (AH-KC-6)`,
      );
    if (caText !== undefined)
      throw new KubeconfigError(
        `${where}: insecure-skip-tls-verify together with a CA is not allowed (AH-KC-6)`,
      );
    return { name, server, caPem: undefined, caFingerprint: null, insecureSkipTlsVerify: true };
  }
  if (caText === undefined)
    throw new KubeconfigError(
      `${where}: the cluster has no certificate-authority(-data); its server cannot be verified (AH-KC-6, AH-KC-11)`,
    );
  const first = parseCertificates(caText)?.[0];
  if (!first) throw new KubeconfigError(`${where}: the cluster's CA is not PEM certificates that each parse`);
  return { name, server, caPem: caText, caFingerprint: fingerprint(first), insecureSkipTlsVerify: false };
}

function serverOf(value: unknown, where: string, options: KubeconfigOptions): URL {
  let url: URL;
  try {
    url = new URL(String(value ?? ""));
  } catch {
    throw new KubeconfigError(`${where}: the cluster's server is not an absolute URL`);
  }
  const scheme = url.protocol;
  if (scheme !== "https:" && !(scheme === "http:" && options.allowPlainHttp))
    throw new KubeconfigError(
      `${where}: server scheme ${scheme} is refused; use https:// (http:// needs --allow-plain-http)`,
    );
  if (url.username || url.password || url.search || url.hash || !url.hostname)
    throw new KubeconfigError(
      `${where}: the server URL must name a host, without userinfo, query or fragment`,
    );
  return url;
}

function caTextOf(c: ClusterEntry, baseDir: string, where: string): string | undefined {
  const data = c["certificate-authority-data"];
  if (typeof data === "string") {
    const pem = decodeBase64(data);
    if (pem === undefined) throw new KubeconfigError(`${where}: certificate-authority-data is not base64`);
    return pem;
  }
  const file = c["certificate-authority"];
  if (typeof file !== "string") return undefined;
  try {
    return readFileSync(resolve(baseDir, file), "utf8");
  } catch (err) {
    throw new KubeconfigError(
      `${where}: certificate-authority ${file} cannot be read: ${(err as Error).message}`,
    );
  }
}

function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === "object") as T[]) : [];
}
