// The Cucumber World: clusters (attached once per worker), identities minted
// per scenario, the instance of the target serving the scenario, MCP
// sessions, oracles, and the scenario's record (checks and calls).
import { appendFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { type IWorldOptions, World } from "@cucumber/cucumber";
import { CREDENTIAL_HEADERS, HEADER, REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { type Answer, errorAnswer, rawAnswer, resultAnswer } from "../checks/answer.js";
import { ScenarioChecks, Untestable } from "../checks/recorder.js";
import { readClusterFile } from "../clusters/file.js";
import type { AuditMark, Cluster, Identity } from "../clusters/index.js";
import { attach } from "../clusters/index.js";
import { clusterSecrets } from "../clusters/secrets.js";
import { bearerToken } from "../credentials/bearer.js";
import type { FaultState } from "../fault/state.js";
import type { FuzzState } from "../fuzz/state.js";
import type { LoadState } from "../load/state.js";
import { type Headers, McpSession } from "../mcp/client.js";
import { type RawHeaders, RawSession } from "../mcp/raw.js";
import { type Listener, type SeenRequest, tcpProxy } from "../oracles/listeners.js";
import { makeCa, type TestCa } from "../oracles/pki.js";
import { toolName } from "../profile/schema.js";
import { emptyRecord, type ScenarioRecord, type TupleLabel } from "../report/model.js";
import { SecretRegistry } from "../report/redact.js";
import { writePrivate } from "../report/write.js";
import { REPO_ROOT } from "../spec/requirements.js";
import { SharedTarget, startInstance, type TargetInstance, type Trouble } from "../target/instances.js";
import { attachAudit, type CallWindow } from "../timeline/audit.js";
import { clusterNamedBy, clusterWhoseDataIsIn } from "../timeline/result-origin.js";
import { CLUSTER_LETTERS, type WorldParams } from "./params.js";

let clusterCache: Map<string, Cluster> | undefined;
const workerSecrets = new SecretRegistry();
let oracleCa: Promise<TestCa> | undefined;
let sharedTarget: SharedTarget | undefined;

/** A scenario needs a capability the profile does not claim: reported as skipped. */
export class SkipScenario extends Error {}

/** Arguments of each required tool, aimed at the fixtures (in the cluster's fixture namespace). */
export function defaultArgs(tool: string, ns: string): Record<string, unknown> {
  switch (tool) {
    case "pods_list_in_namespace":
    case "events_list":
      return { namespace: ns };
    case "pods_get":
      return { namespace: ns, name: "fixture-pod-1" };
    case "resources_list":
      return { apiVersion: "v1", kind: "ConfigMap", namespace: ns };
    case "resources_get":
      return { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "cluster-identity" };
    default:
      return {};
  }
}

export interface TargetVariant {
  stateless?: boolean;
  allowlist?: string[];
  insecureOptIn?: boolean;
  plainHttpOptIn?: boolean;
  requestTimeoutMs?: number;
  env?: Record<string, string>;
}

export interface CallOptions {
  headers?: Headers;
  meta?: Record<string, unknown>;
  args?: Record<string, unknown>;
  /** The tuple, by name, for the timeline. */
  label: TupleLabel;
  timeoutMs?: number;
  session?: McpSession;
  /** A control call of the harness (precondition check), shown as such. */
  control?: boolean;
  /** Sent to this tool name as is (no profile mapping). */
  rawToolName?: boolean;
}

/** The last call and what came back. */
export interface LastCall {
  answer: Answer;
  /** CallRecord index. */
  call: number;
  label: TupleLabel;
  /** What was sent (kept in memory for control calls, never reported). */
  sent?: { spec: string; headers?: Headers; meta?: Record<string, unknown>; args?: Record<string, unknown> };
}

export interface Oracles {
  tcpCanary?: Listener & { connections(): number };
  httpCanary?: Listener & { requests: SeenRequest[] };
  proxy?: Listener;
  hung?: Listener;
  front?: Listener & { requests: SeenRequest[] };
  redirectCanary?: Listener & { requests: SeenRequest[] };
  gateway?: Listener & { requests: SeenRequest[] };
  gatewayPrefix?: string;
  bigAnswer?: Listener & { requests: SeenRequest[]; bigAnswers: { completed: boolean }[] };
}

export interface ScenarioInfo {
  id: string;
  name: string;
  tags: string[];
  startedEpochMs: number;
  startedPerf: number;
}

export class ConformanceWorld extends World<WorldParams> {
  scenario!: ScenarioInfo;
  checks = new ScenarioChecks([]);
  readonly record: ScenarioRecord = emptyRecord();
  readonly windows: CallWindow[] = [];
  identities = new Map<string, { identity: Identity; cluster: string }>();
  marks = new Map<string, AuditMark>();
  /** The session steps use unless they open their own. */
  session?: McpSession;
  sessions: McpSession[] = [];
  /** Set by "a stdio session": identity tuples travel in `_meta`. */
  stdio = false;
  ownTarget?: TargetInstance;
  listeners: Listener[] = [];
  oracles: Oracles = {};
  last?: LastCall;
  /** The last call of each identity (not counting the harness's control calls). */
  readonly lastBy = new Map<string, LastCall>();
  /** tools/list of the lifecycle steps. */
  tools?: string[];
  /** Answers to the lifecycle requests of the lifecycle scenarios. */
  lifecycle?: { with?: string; answers: Partial<Record<"initialize" | "ping" | "tools/list", Answer>> };
  /** The target's request timeout in this scenario (its own instance's flag, or the profile default). */
  timeoutMs?: number;
  raw?: RawSession;
  /** Trouble of the target seen in this scenario (it crashed or stopped answering). */
  crashed?: Trouble;
  /** Headers sent with initialize when the target refuses initialize without them (AH-LIFE-1 workaround). */
  private workaroundHeaders?: Headers;
  /** Control call outcome per identity (precondition checks), made at most once per scenario. */
  readonly controls = new Map<string, Answer>();
  /** The answer to a raw request refused before MCP (Host/Origin checks). */
  admission?: { status?: number; body?: string; error?: string };
  /** A slow or hung call and the other tenant's calls made meanwhile (AH-NET-5). */
  slow?: { ms?: number; otherMs: number[]; other: string; otherFailure?: Answer };
  concurrent?: { who: string; cluster: string; answer?: Answer }[];
  load?: LoadState;
  fault?: FaultState;
  fuzz?: FuzzState;
  cleanups: (() => Promise<void>)[] = [];
  /** The scenario's own address of each cluster (see openScenarioAddresses). */
  private readonly addresses = new Map<string, string>();
  private sessionCount = 0;
  private sessionLabels = new WeakMap<McpSession, string>();

  constructor(options: IWorldOptions<WorldParams>) {
    super(options);
  }

  get profile() {
    return this.parameters.profile;
  }

  get secrets(): SecretRegistry {
    return workerSecrets;
  }

  // ---- scenario lifecycle ----

  begin(info: { id: string; name: string; tags: string[] }): void {
    this.scenario = { ...info, startedEpochMs: Date.now(), startedPerf: performance.now() };
    this.checks = new ScenarioChecks(info.tags);
  }

  elapsed(): number {
    return Math.round(performance.now() - this.scenario.startedPerf);
  }

  workaround(requirement: string, note: string): void {
    if (!this.record.workarounds.some((w) => w.requirement === requirement))
      this.record.workarounds.push({ requirement, note });
  }

  // ---- clusters and identities ----

  clusters(): Map<string, Cluster> {
    if (!clusterCache) {
      const file = this.parameters.clustersFile ?? process.env.AHC_CLUSTERS_FILE;
      if (!file) throw new Error("no cluster file (world parameter clustersFile or AHC_CLUSTERS_FILE)");
      const infos = readClusterFile(file);
      clusterCache = new Map();
      infos.forEach((info, i) => {
        const c = attach(info);
        clusterCache?.set(CLUSTER_LETTERS[i] ?? info.name, c);
        for (const secret of clusterSecrets(info)) this.registerSecret(secret);
      });
    }
    return clusterCache;
  }

  cluster(name: string): Cluster {
    const c = this.clusters().get(name);
    if (!c) throw new Error(`no cluster "${name}" (have ${[...this.clusters().keys()].join(", ")})`);
    return c;
  }

  /** Letter of the cluster serving `host` (host:port), if it is one of ours. */
  clusterOfHost(host: string): string | undefined {
    for (const name of this.clusters().keys()) if (new URL(this.serverOf(name)).host === host) return name;
    return undefined;
  }

  /** The API server URL of cluster `name` as this scenario sends it. */
  serverOf(name: string): string {
    return this.addresses.get(name) ?? this.cluster(name).server;
  }

  /**
   * Gives every cluster an address of this scenario's own: a TCP forwarder on
   * 127.0.0.1 (the serving certificate names the IP, not the port). A provider
   * that keeps clients or connections across calls (a cache keyed by server
   * alone, say) then cannot hand one scenario's identity to another: such a
   * defect shows in the scenarios written to catch it, the same in every run,
   * instead of in whichever scenarios happened to share a worker. Clusters that
   * are not on loopback (existing clusters) keep their address.
   */
  /** One more address of cluster `name`, used by nothing else (for control calls). */
  async freshAddress(name: string): Promise<string> {
    const u = new URL(this.cluster(name).server);
    if (u.hostname !== "127.0.0.1") return this.serverOf(name);
    const proxy = await tcpProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.1");
    this.listeners.push(proxy);
    return `${u.protocol}//${proxy.address}${u.pathname === "/" ? "" : u.pathname}`;
  }

  async openScenarioAddresses(): Promise<void> {
    for (const [name, c] of this.clusters()) {
      const u = new URL(c.server);
      if (u.hostname !== "127.0.0.1") continue;
      const proxy = await tcpProxy({ host: u.hostname, port: Number(u.port) }, "127.0.0.1");
      this.listeners.push(proxy);
      this.addresses.set(name, `${u.protocol}//${proxy.address}${u.pathname === "/" ? "" : u.pathname}`);
    }
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
    for (const key of CREDENTIAL_HEADERS) {
      const v = identity.headers[key];
      if (v) {
        this.registerSecret(v);
        this.registerSecret(bearerToken(v));
        if (key !== HEADER.authorization) this.registerSecret(Buffer.from(v, "base64").toString("utf8"));
      }
    }
    const server = identity.headers[HEADER.server];
    const own = this.addresses.get(cluster);
    const sent =
      own && server === this.clusters().get(cluster)?.server
        ? { ...identity, headers: { ...identity.headers, [HEADER.server]: own } }
        : identity;
    this.identities.set(name, { identity: sent, cluster });
    return sent;
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

  /** The plain tuple of an identity, by name. */
  labelOf(who: string, changes: string[] = [], source?: TupleLabel["source"]): TupleLabel {
    const e = this.identities.get(who);
    return {
      source: source ?? (this.stdio ? "meta" : "headers"),
      identity: who,
      credential: e?.identity.kind,
      cluster: e?.cluster,
      ...(changes.length ? { changes } : {}),
    };
  }

  /** User names of the scenario's identities → their names in the scenario. */
  userNames(): Map<string, string> {
    return new Map([...this.identities].map(([n, e]) => [e.identity.user, n]));
  }

  oracleCa(): Promise<TestCa> {
    oracleCa ??= makeCa();
    return oracleCa;
  }

  tool(specName: string): string {
    return toolName(this.profile, specName);
  }

  /** Default arguments of a tool for cluster `cluster` (its fixture namespace; existing clusters use run-scoped ones). */
  args(specName: string, cluster = "A"): Record<string, unknown> {
    const c = this.clusters().get(cluster);
    return defaultArgs(specName, c?.info.namespaces?.fixture ?? "conformance");
  }

  requiredTools(): string[] {
    return REQUIRED_TOOLS.map((t) => this.tool(t));
  }

  // ---- the target ----

  private shared(): SharedTarget {
    sharedTarget ??= new SharedTarget(
      this.parameters.canStart
        ? {
            profile: this.profile,
            commandOverride: this.parameters.commandOverride,
            logDir: this.parameters.targetLogDir,
          }
        : undefined,
      this.parameters.targetUrl,
    );
    return sharedTarget;
  }

  /** The instance serving this scenario: its own (started with flags) or the worker's shared one. */
  async target(): Promise<TargetInstance> {
    if (this.ownTarget) return this.ownTarget;
    return this.shared().get();
  }

  async targetUrl(): Promise<string> {
    return (await this.target()).url;
  }

  /** Before each scenario: under --target-url, a target that stopped answering makes the scenario untestable. */
  async ensureTargetUp(): Promise<void> {
    const shared = this.shared();
    if (shared.restartable || !shared.down) return;
    if (await (await shared.get()).answers(3000)) {
      shared.down = undefined;
      return;
    }
    throw new Untestable(
      `the target stopped answering (${shared.down}) and the harness cannot restart a target it did not start`,
    );
  }

  async startOwnTarget(variant: TargetVariant, capability?: string): Promise<TargetInstance> {
    if (!this.parameters.canStart) {
      const why = "the target is reached by URL, so the harness cannot start it with other flags";
      if (capability)
        throw new Error(`capability "${capability}" is claimed but cannot be exercised: ${why}`);
      throw new Untestable(why);
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
    const label = variant.stateless
      ? "stateless"
      : variant.allowlist
        ? "allowlist"
        : variant.insecureOptIn
          ? "insecure-opt-in"
          : variant.plainHttpOptIn
            ? "plain-http-opt-in"
            : variant.requestTimeoutMs !== undefined
              ? `timeout-${variant.requestTimeoutMs}ms`
              : variant.env
                ? "ambient"
                : "fresh";
    this.ownTarget = await startInstance(
      {
        profile: this.profile,
        commandOverride: this.parameters.commandOverride,
        logDir: this.parameters.targetLogDir,
      },
      label,
      { extraArgs: extra, env: { ...variant.env } },
    );
    // sessions opened earlier (e.g. in a Background) belong to the shared target
    this.session = undefined;
    this.raw = undefined;
    return this.ownTarget;
  }

  /** Output of the instance serving this scenario, when the harness started it. */
  async targetOutput(): Promise<string | undefined> {
    return (await this.target()).output();
  }

  /**
   * Looks for trouble of the target (exit, panic text, or — after a call got no
   * answer — an endpoint that no longer answers) and records it as a finding of
   * this scenario. Returns the trouble, if any.
   */
  async checkTarget(afterNoAnswer = false, call?: number, badInput = false): Promise<Trouble | undefined> {
    if (this.crashed) return this.crashed;
    const t = await this.target();
    let trouble = t.trouble();
    if (!trouble && afterNoAnswer && !(await t.answers())) {
      trouble = {
        kind: "unresponsive",
        detail: `the target at ${t.url} no longer answers MCP initialize`,
        logTail: t.tail(),
      };
      if (!t.owned && !this.ownTarget) this.shared().down = trouble.detail;
    }
    if (!trouble) return undefined;
    this.crashed = trouble;
    this.record.targetEvents.push({
      kind: trouble.kind === "exited" ? "exited" : trouble.kind,
      at: this.elapsed(),
      detail: trouble.detail,
      logTail: this.secrets.scrub(trouble.logTail),
    });
    const reqs = badInput || this.checks.tagged.includes("AH-HDR-10") ? ["AH-HDR-10"] : this.checks.subject();
    this.checks.record(
      "target-healthy",
      reqs,
      "fail",
      "the target keeps running and answering",
      `${trouble.detail} during this scenario; last lines of its output:\n${this.secrets.scrub(trouble.logTail)}`,
      call !== undefined ? { call } : {},
    );
    return trouble;
  }

  private requireHealthyTarget(): void {
    if (this.crashed) throw new Untestable(`not judged: ${this.crashed.detail} earlier in this scenario`);
  }

  // ---- sessions ----

  /**
   * Opens a session. AH-LIFE-1: initialize needs no cluster headers. A target
   * that refuses it is recorded as failing AH-LIFE-1, and the session is opened
   * again with the scenario's cluster headers, so everything else is still judged.
   */
  async connect(initHeaders?: Headers, initLabel?: TupleLabel): Promise<McpSession> {
    this.requireHealthyTarget();
    const t0 = performance.now();
    const url = await this.targetUrl();
    const headers = initHeaders ?? this.workaroundHeaders;
    let s: McpSession;
    try {
      s = await McpSession.http(url, { initHeaders: headers });
    } catch (e) {
      if (headers) return this.sessionFailed(e);
      const a = errorAnswer(e, 0);
      if (a.kind === "no-answer") return this.sessionFailed(e);
      this.checks.record(
        "initialize-without-cluster-headers",
        ["AH-LIFE-1"],
        "fail",
        "initialize succeeds without cluster headers",
        `initialize without cluster headers was refused: ${this.secrets.scrub(a.text.split("\n")[0] ?? "").slice(0, 200)}`,
      );
      this.workaroundHeaders = await this.anyIdentityHeaders();
      this.workaround(
        "AH-LIFE-1",
        "the target refuses initialize without cluster headers; sessions of this scenario were opened with the headers of one of its identities",
      );
      try {
        s = await McpSession.http(url, { initHeaders: this.workaroundHeaders });
      } catch (e2) {
        return this.sessionFailed(e2);
      }
    }
    this.sessions.push(s);
    this.sessionLabels.set(s, `s${++this.sessionCount}`);
    // an initialize that carried a tuple is part of what the scenario is about: show it
    if (initHeaders && initLabel)
      this.recordLifecycle(
        "initialize",
        s,
        { kind: "result", text: "initialized", durationMs: performance.now() - t0 },
        initLabel,
      );
    return s;
  }

  private async sessionFailed(e: unknown): Promise<never> {
    const trouble = await this.checkTarget(true);
    if (trouble) throw new Untestable(`${trouble.detail}; the scenario cannot go on`);
    throw new Error(`cannot open an MCP session: ${this.secrets.scrub((e as Error).message)}`);
  }

  /** Headers for the lifecycle workaround: the scenario's first identity, or a throw-away one. */
  private async anyIdentityHeaders(): Promise<Headers> {
    const first = [...this.identities.values()][0];
    if (first) return { ...first.identity.headers };
    const identity = await this.cluster("A").mintTokenIdentity();
    this.registerIdentity("lifecycle-workaround", "A", identity);
    return { ...identity.headers };
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
    const s = await McpSession.stdio(cmd, { cwd: resolve(REPO_ROOT, this.profile.target.cwd), env });
    this.sessions.push(s);
    this.sessionLabels.set(s, "stdio");
    return s;
  }

  async rawSession(): Promise<RawSession> {
    this.requireHealthyTarget();
    if (!this.raw) {
      const url = await this.targetUrl();
      try {
        this.raw = await RawSession.open(url, this.workaroundHeaders);
      } catch (e) {
        if (this.workaroundHeaders) return this.sessionFailed(e);
        // same workaround as connect(): judged once, under AH-LIFE-1
        await this.connect();
        if (!this.workaroundHeaders) return this.sessionFailed(e);
        this.raw = await RawSession.open(url, this.workaroundHeaders);
      }
    }
    return this.raw;
  }

  /** Headers to open lean/raw sessions with (empty unless the lifecycle workaround is on). */
  initHeaders(): Headers | undefined {
    return this.workaroundHeaders;
  }

  // ---- calls ----

  /** One tools/call through the SDK client; recorded in the timeline and kept as `last`. */
  async call(spec: string, opts: CallOptions): Promise<LastCall> {
    this.requireHealthyTarget();
    const s = opts.session ?? this.session ?? (await this.defaultSession());
    const tool = opts.rawToolName ? spec : this.tool(spec);
    const args = opts.args ?? this.args(spec, opts.label.cluster);
    const startEpoch = Date.now();
    const at = this.elapsed();
    const t0 = performance.now();
    let answer: Answer;
    try {
      const r = await s.callRaw(tool, args, {
        headers: opts.headers,
        meta: opts.meta,
        timeoutMs: opts.timeoutMs,
      });
      answer = resultAnswer(r, performance.now() - t0);
    } catch (e) {
      answer = errorAnswer(e, performance.now() - t0);
    }
    const last = await this.finishCall(answer, {
      tool,
      label: opts.label,
      session: this.sessionLabels.get(s) ?? "s?",
      transport:
        s === this.session && this.stdio ? "stdio" : this.sessionLabels.get(s) === "stdio" ? "stdio" : "http",
      startEpoch,
      at,
      control: opts.control,
    });
    last.sent = { spec, headers: opts.headers, meta: opts.meta, args: opts.args };
    return last;
  }

  /** One tools/call over raw HTTP (repeated header lines, exact bytes). */
  async rawCall(
    spec: string,
    headers: RawHeaders,
    label: TupleLabel,
    meta?: Record<string, unknown> | { json: string },
  ) {
    const s = await this.rawSession();
    const startEpoch = Date.now();
    const at = this.elapsed();
    const t0 = performance.now();
    let answer: Answer;
    try {
      const { response, message } =
        meta && "json" in meta && typeof meta.json === "string"
          ? await s.callWithMetaText(this.tool(spec), this.args(spec), headers, meta.json)
          : await s.call(
              this.tool(spec),
              this.args(spec),
              headers,
              meta as Record<string, unknown> | undefined,
            );
      answer = rawAnswer(response, message, undefined, performance.now() - t0);
    } catch (e) {
      answer = rawAnswer(undefined, undefined, e as Error, performance.now() - t0);
    }
    const last = await this.finishCall(answer, {
      tool: this.tool(spec),
      label,
      session: "raw",
      transport: "raw-http",
      startEpoch,
      at,
    });
    const sentMeta = meta && "json" in meta && typeof meta.json === "string" ? JSON.parse(meta.json) : meta;
    last.sent = { spec, meta: sentMeta as Record<string, unknown> | undefined };
    return last;
  }

  private async finishCall(
    answer: Answer,
    c: {
      tool: string;
      label: TupleLabel;
      session: string;
      transport: "http" | "stdio" | "raw-http";
      startEpoch: number;
      at: number;
      control?: boolean;
    },
  ): Promise<LastCall> {
    const index = this.record.calls.length + 1;
    const first = this.secrets.scrub(answer.text.split("\n").find((l) => l.trim()) ?? "").slice(0, 200);
    const target = this.ownTarget?.label ?? "shared";
    this.record.calls.push({
      index,
      at: c.at,
      durationMs: Math.round(answer.durationMs),
      method: "tools/call",
      tool: c.tool,
      transport: c.transport,
      session: c.session,
      target,
      tuple: c.label,
      answer: {
        kind: answer.kind,
        ...(answer.code ? { code: answer.code } : {}),
        ...(answer.status !== undefined ? { status: answer.status } : {}),
        text: first,
        ...namedAndData(this, answer),
      },
      ...(c.control ? { control: true } : {}),
    });
    this.windows.push({ index, startEpochMs: c.startEpoch, endEpochMs: Date.now() });
    const last: LastCall = { answer, call: index, label: c.label };
    if (!c.control) {
      this.last = last;
      if (c.label.identity) this.lastBy.set(c.label.identity, last);
    }
    const badInput = (c.label.changes?.length ?? 0) > 0;
    await this.checkTarget(answer.kind === "no-answer", index, badInput);
    return last;
  }

  /** Lifecycle requests (initialize is recorded by connect; ping and tools/list here). */
  /** Many calls as one line of the timeline, counted by how each ended (`outcomeOf`). */
  recordBatch<T>(
    label: string,
    calls: readonly T[],
    outcomeOf: (call: T) => string,
    timing: { at: number; durationMs: number },
  ): void {
    const outcomes: Record<string, number> = {};
    for (const c of calls) {
      const k = outcomeOf(c);
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    this.record.batches.push({
      index: this.record.calls.length + 1,
      at: timing.at,
      durationMs: Math.round(timing.durationMs),
      label,
      calls: calls.length,
      outcomes,
    });
  }

  recordLifecycle(
    method: "initialize" | "tools/list" | "ping",
    session: McpSession,
    answer: Answer,
    label: TupleLabel,
  ) {
    const index = this.record.calls.length + 1;
    this.record.calls.push({
      index,
      at: this.elapsed(),
      durationMs: Math.round(answer.durationMs),
      method,
      transport: "http",
      session: this.sessionLabels.get(session) ?? "s?",
      target: this.ownTarget?.label ?? "shared",
      tuple: label,
      answer: { kind: answer.kind, text: this.secrets.scrub(answer.text.split("\n")[0] ?? "").slice(0, 200) },
    });
    return index;
  }

  sessionLabel(s: McpSession): string {
    return this.sessionLabels.get(s) ?? "s?";
  }

  // ---- audit ----

  async markAll(): Promise<void> {
    for (const [name, c] of this.clusters()) this.marks.set(name, await c.audit.mark());
  }

  /** Everything cluster `clusterName` logged since the scenario's mark (after the audit barrier). */
  async auditSettled(clusterName: string, user?: string) {
    const c = this.cluster(clusterName);
    const mark = this.marks.get(clusterName);
    if (!mark) throw new Error(`no audit mark for cluster ${clusterName}`);
    return c.audit.settled(mark, user ? { user } : undefined);
  }

  /** Puts the audit events of the scenario's identities into the timeline. */
  async attachAuditToTimeline(): Promise<void> {
    const names = this.userNames();
    if (names.size === 0 || this.record.calls.length === 0) return;
    const users = [...names.keys()];
    const events: { cluster: string; event: Awaited<ReturnType<Cluster["audit"]["since"]>>[number] }[] = [];
    const audited: string[] = [];
    for (const [name, mark] of this.marks) {
      const c = this.clusters().get(name);
      if (!c?.can("auditLog")) continue;
      for (const event of await c.audit.settled(mark, { users })) events.push({ cluster: name, event });
      audited.push(name);
    }
    this.record.auditedClusters = audited.sort();
    attachAudit(this.record.calls, this.windows, events, names);
  }

  // ---- files ----

  tempDir(): string {
    mkdirSync(this.parameters.runDir, { recursive: true });
    return mkdtempSync(join(this.parameters.runDir, "scenario-"));
  }

  writeSecretFile(dir: string, name: string, content: string): string {
    const p = join(dir, name);
    writePrivate(p, content);
    return p;
  }

  // ---- end ----

  /** After each scenario: the shared instance is replaced when it died, so the next scenario is judged. */
  async dispose(): Promise<void> {
    for (const s of this.sessions.splice(0)) await s.close().catch(() => undefined);
    for (const l of this.listeners.splice(0)) await l.close().catch(() => undefined);
    for (const c of this.cleanups.splice(0)) await c().catch(() => undefined);
    if (this.ownTarget) await this.ownTarget.stop();
    if (this.crashed && !this.ownTarget && this.shared().restartable) await this.shared().discard();
  }
}

function namedAndData(world: ConformanceWorld, a: Answer) {
  if (a.kind !== "result") return {};
  const named = clusterNamedBy(world, a);
  const from = clusterWhoseDataIsIn(world, a.text);
  return { ...(named ? { namedCluster: named } : {}), ...(from ? { dataFrom: from } : {}) };
}

/** Stops the worker's shared instance (AfterAll). */
export async function stopSharedTarget(): Promise<void> {
  await sharedTarget?.stop();
}
