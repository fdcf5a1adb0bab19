// The Cucumber World: clusters (attached once per worker), identities minted
// per scenario, the target, MCP sessions, oracles, and the last outcome.
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type IWorldOptions, World } from "@cucumber/cucumber";
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { readClusterFile } from "../clusters/file.js";
import type { AuditMark, Cluster, Identity } from "../clusters/index.js";
import { attach } from "../clusters/index.js";
import { type Headers, McpSession, type ToolOutcome } from "../mcp/client.js";
import type { Listener } from "../oracles/listeners.js";
import { makeCa, type TestCa } from "../oracles/pki.js";
import { toolName } from "../profile/schema.js";
import { SecretRegistry } from "../report/redact.js";
import { writePrivate } from "../report/write.js";
import { type RunningTarget, startTarget } from "../runner/target.js";
import { REPO_ROOT } from "../spec/requirements.js";
import { CLUSTER_LETTERS, type WorldParams } from "./params.js";

let clusterCache: Map<string, Cluster> | undefined;
const workerSecrets = new SecretRegistry();
let oracleCa: Promise<TestCa> | undefined;

export class SkipScenario extends Error {}

export const DEFAULT_ARGS: Record<string, Record<string, unknown>> = {
  namespaces_list: {},
  pods_list: {},
  pods_list_in_namespace: { namespace: "conformance" },
  pods_get: { namespace: "conformance", name: "fixture-pod-1" },
  resources_list: { apiVersion: "v1", kind: "ConfigMap", namespace: "conformance" },
  resources_get: { apiVersion: "v1", kind: "ConfigMap", namespace: "conformance", name: "cluster-identity" },
  events_list: { namespace: "conformance" },
};

export interface TargetVariant {
  stateless?: boolean;
  allowlist?: string[];
  insecureOptIn?: boolean;
  plainHttpOptIn?: boolean;
  requestTimeoutMs?: number;
  env?: Record<string, string>;
}

export class ConformanceWorld extends World<WorldParams> {
  identities = new Map<string, { identity: Identity; cluster: string }>();
  marks = new Map<string, AuditMark>();
  session?: McpSession;
  sessions: McpSession[] = [];
  ownTarget?: RunningTarget;
  listeners: Listener[] = [];
  named = new Map<string, Listener>();
  last?: ToolOutcome;
  lastError?: Error;
  /** Results kept by label (e.g. for concurrency checks). */
  outcomes: ToolOutcome[] = [];
  bag = new Map<string, unknown>();
  cleanups: (() => Promise<void>)[] = [];

  constructor(options: IWorldOptions<WorldParams>) {
    super(options);
  }

  get profile() {
    return this.parameters.profile;
  }

  get secrets(): SecretRegistry {
    return workerSecrets;
  }

  clusters(): Map<string, Cluster> {
    if (!clusterCache) {
      const file = this.parameters.clustersFile ?? process.env.AHC_CLUSTERS_FILE;
      if (!file) throw new Error("no cluster file (world parameter clustersFile or AHC_CLUSTERS_FILE)");
      const infos = readClusterFile(file);
      clusterCache = new Map();
      infos.forEach((info, i) => {
        const c = attach(info);
        clusterCache?.set(CLUSTER_LETTERS[i] ?? info.name, c);
        this.registerSecret(info.admin.keyPem);
        this.registerSecret(info.admin.certPem);
        this.registerSecret(info.clientCa.keyPem);
        this.registerSecret(info.serviceAccount.signingKeyPem);
      });
    }
    return clusterCache;
  }

  cluster(name: string): Cluster {
    const c = this.clusters().get(name);
    if (!c) throw new Error(`no cluster "${name}" (have ${[...this.clusters().keys()].join(", ")})`);
    return c;
  }

  registerSecret(value: string | undefined): void {
    if (!value || value.length < 8) return;
    workerSecrets.add(value);
    try {
      appendFileSync(this.parameters.secretsFile, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    } catch {
      /* reports will still use pattern redaction */
    }
  }

  registerIdentity(name: string, cluster: string, identity: Identity): Identity {
    for (const key of [
      "kubernetes-authorization",
      "kubernetes-client-key-data",
      "kubernetes-client-certificate-data",
    ]) {
      const v = identity.headers[key];
      if (v) {
        this.registerSecret(v);
        this.registerSecret(v.replace(/^bearer\s+/i, ""));
        if (key !== "kubernetes-authorization")
          this.registerSecret(Buffer.from(v, "base64").toString("utf8"));
      }
    }
    this.identities.set(name, { identity, cluster });
    return identity;
  }

  identity(name: string): Identity {
    const e = this.identities.get(name);
    if (!e) throw new Error(`no identity "${name}" in this scenario`);
    return e.identity;
  }

  identityCluster(name: string): string {
    const e = this.identities.get(name);
    if (!e) throw new Error(`no identity "${name}" in this scenario`);
    return e.cluster;
  }

  headersOf(name: string): Headers {
    return { ...this.identity(name).headers };
  }

  oracleCa(): Promise<TestCa> {
    oracleCa ??= makeCa();
    return oracleCa;
  }

  tool(specName: string): string {
    return toolName(this.profile, specName);
  }

  args(specName: string): Record<string, unknown> {
    return { ...(DEFAULT_ARGS[specName] ?? {}) };
  }

  requiredTools(): string[] {
    return REQUIRED_TOOLS.map((t) => this.tool(t));
  }

  skip(reason: string): never {
    throw new SkipScenario(reason);
  }

  /** The URL of the target for this scenario (its own instance or the shared one). */
  targetUrl(): string {
    if (this.ownTarget) return this.ownTarget.url;
    if (!this.parameters.targetUrl) throw new Error("no target URL");
    return this.parameters.targetUrl;
  }

  async startOwnTarget(variant: TargetVariant, capability?: string): Promise<RunningTarget> {
    if (!this.parameters.canStart) {
      const why = "the target is reached by URL, so the harness cannot start it with other flags";
      if (capability)
        throw new Error(`capability "${capability}" is claimed but cannot be exercised: ${why}`);
      this.skip(why);
    }
    const f = this.profile.flags;
    const extra: string[] = [];
    const need = (flag: string | undefined, name: string) => {
      if (!flag) throw new Error(`the profile has no flags.${name}, needed by this scenario`);
      return flag;
    };
    if (variant.stateless) extra.push(need(f.stateless, "stateless"));
    if (variant.allowlist)
      extra.push(need(f.allowlist, "allowlist").replaceAll("{servers}", variant.allowlist.join(",")));
    if (variant.insecureOptIn) extra.push(need(f.insecureOptIn, "insecureOptIn"));
    if (variant.plainHttpOptIn) extra.push(need(f.plainHttpOptIn, "plainHttpOptIn"));
    if (variant.requestTimeoutMs !== undefined) {
      extra.push(
        need(f.requestTimeout, "requestTimeout").replaceAll("{ms}", String(variant.requestTimeoutMs)),
      );
    }
    const env: Record<string, string | undefined> = { KUBECONFIG: undefined, ...variant.env };
    this.ownTarget = await startTarget(this.profile, {
      extraArgs: extra,
      env,
      commandOverride: this.parameters.commandOverride,
    });
    // sessions opened earlier (e.g. in a Background) belong to the shared target
    this.session = undefined;
    this.bag.delete("raw");
    return this.ownTarget;
  }

  /** Output of the provider process for this scenario, when the harness started it. */
  targetOutput(): string | undefined {
    if (this.ownTarget) return this.ownTarget.output();
    if (this.parameters.targetLogFile) {
      try {
        return readFileSync(this.parameters.targetLogFile, "utf8");
      } catch {
        return "";
      }
    }
    return undefined;
  }

  async connect(initHeaders?: Headers): Promise<McpSession> {
    const s = await McpSession.http(this.targetUrl(), { initHeaders });
    this.sessions.push(s);
    return s;
  }

  async defaultSession(): Promise<McpSession> {
    this.session ??= await this.connect();
    return this.session;
  }

  async stdioSession(): Promise<McpSession> {
    const cmd = this.profile.target.stdioCommand;
    if (!cmd) throw new Error('capability "stdio" claimed but target.stdioCommand is not set');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...this.profile.target.env })) {
      if (v !== undefined && k !== "KUBECONFIG") env[k] = v;
    }
    const s = await McpSession.stdio(cmd, { cwd: join(REPO_ROOT, this.profile.target.cwd), env });
    this.sessions.push(s);
    return s;
  }

  async markAll(): Promise<void> {
    for (const [name, c] of this.clusters()) this.marks.set(name, await c.audit.mark());
  }

  async auditSince(clusterName: string, user?: string) {
    const c = this.cluster(clusterName);
    const mark = this.marks.get(clusterName);
    if (!mark) throw new Error(`no audit mark for cluster ${clusterName}`);
    return c.audit.since(mark, user ? { user } : undefined);
  }

  tempDir(): string {
    return mkdtempSync(join(this.parameters.runDir, "scenario-"));
  }

  writeSecretFile(dir: string, name: string, content: string): string {
    const p = join(dir, name);
    writePrivate(p, content);
    return p;
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.splice(0)) await s.close().catch(() => undefined);
    for (const l of this.listeners.splice(0)) await l.close().catch(() => undefined);
    for (const c of this.cleanups.splice(0)) await c().catch(() => undefined);
    if (this.ownTarget) await this.ownTarget.stop();
  }
}
