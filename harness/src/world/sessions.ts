// MCP sessions of a scenario, and the one place the AH-LIFE-1 workaround
// lives: a target that refuses `initialize` without cluster headers is judged
// once, under AH-LIFE-1, and the scenario's later sessions (SDK, raw HTTP, and
// the lean clients that ask initHeaders()) are opened with the headers of one
// of the scenario's identities, so everything else is still judged.
import { resolve } from "node:path";
import { errorAnswer } from "../checks/answer.js";
import { Untestable } from "../checks/recorder.js";
import { type Headers, McpSession } from "../mcp/client.js";
import { RawSession } from "../mcp/raw.js";
import type { Profile } from "../profile/schema.js";
import type { TupleLabel } from "../report/model.js";
import type { SecretRegistry } from "../report/redact.js";
import { REPO_ROOT } from "../spec/requirements.js";
import type { Identities } from "./identities.js";
import type { ScenarioContext } from "./scenario.js";
import type { TargetSlot } from "./target-slot.js";
import type { Timeline } from "./timeline.js";

const WORKAROUND_NOTE =
  "the target refuses initialize without cluster headers; sessions of this scenario were opened with the headers of one of its identities";

export class Sessions {
  /** The session steps use unless they open their own. */
  current?: McpSession;
  /** Set by "a stdio session": identity tuples travel in `_meta`. */
  overStdio = false;
  private readonly open: McpSession[] = [];
  private raw?: RawSession;
  private workaroundHeaders?: Headers;
  private count = 0;
  private readonly labels = new WeakMap<McpSession, string>();

  constructor(
    private readonly scenario: ScenarioContext,
    private readonly target: TargetSlot,
    private readonly identities: Identities,
    private readonly timeline: Timeline,
    private readonly secrets: SecretRegistry,
    private readonly profile: Profile,
  ) {}

  /** Opens a session (`initHeaders` sent with initialize, shown in the timeline when labelled). */
  async connect(initHeaders?: Headers, initLabel?: TupleLabel): Promise<McpSession> {
    this.target.requireHealthy();
    const t0 = performance.now();
    const url = await this.target.url();
    const headers = initHeaders ?? this.workaroundHeaders;
    let s: McpSession;
    try {
      s = await McpSession.http(url, { initHeaders: headers });
    } catch (e) {
      if (headers) return this.failed(e);
      if (errorAnswer(e, 0).kind === "no-answer") return this.failed(e);
      await this.refusedInitialize(e);
      try {
        s = await McpSession.http(url, { initHeaders: this.workaroundHeaders });
      } catch (e2) {
        return this.failed(e2);
      }
    }
    this.adopt(s);
    // an initialize that carried a tuple is part of what the scenario is about: show it
    if (initHeaders && initLabel)
      this.timeline.addLifecycle(
        "initialize",
        this.label(s),
        { kind: "result", text: "initialized", durationMs: performance.now() - t0 },
        initLabel,
      );
    return s;
  }

  async default(): Promise<McpSession> {
    this.current ??= await this.connect();
    return this.current;
  }

  async stdio(): Promise<McpSession> {
    const cmd = this.profile.target.stdioCommand;
    if (!cmd) throw new Error('capability "stdio" claimed but target.stdioCommand is not set');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...this.profile.target.env })) {
      if (v !== undefined && k !== "KUBECONFIG") env[k] = v;
    }
    const s = await McpSession.stdio(cmd, { cwd: resolve(REPO_ROOT, this.profile.target.cwd), env });
    this.adopt(s, "stdio");
    return s;
  }

  async rawSession(): Promise<RawSession> {
    this.target.requireHealthy();
    if (!this.raw) {
      const url = await this.target.url();
      try {
        this.raw = await RawSession.open(url, this.workaroundHeaders);
      } catch (e) {
        if (this.workaroundHeaders) return this.failed(e);
        // same workaround as connect(): judged once, under AH-LIFE-1
        await this.connect();
        if (!this.workaroundHeaders) return this.failed(e);
        this.raw = await RawSession.open(url, this.workaroundHeaders);
      }
    }
    return this.raw;
  }

  /**
   * Opens a session of another client (the lean clients of @load/@fault, the
   * raw one of @fuzz) under the same AH-LIFE-1 workaround: when its header-less
   * initialize is refused, the SDK session decides (and records) the refusal
   * once, and the client opens again with the workaround's headers. A lifecycle
   * choice is then one cause everywhere, not a failure of every heavy scenario.
   */
  async openWith<T>(open: (initHeaders: Headers | undefined) => Promise<T>): Promise<T> {
    try {
      return await open(this.workaroundHeaders);
    } catch (e) {
      if (this.workaroundHeaders || this.current) throw e;
      await this.default();
      if (!this.workaroundHeaders) throw e;
      return open(this.workaroundHeaders);
    }
  }

  /** A session opened outside (the lifecycle steps' own): closed with the scenario. */
  adopt(s: McpSession, label = `s${++this.count}`): void {
    this.open.push(s);
    this.labels.set(s, label);
  }

  label(s: McpSession): string {
    return this.labels.get(s) ?? "s?";
  }

  /** The scenario's own instance replaced the one earlier sessions (e.g. of a Background) belong to. */
  forget(): void {
    this.current = undefined;
    this.raw = undefined;
  }

  async close(): Promise<void> {
    for (const s of this.open.splice(0)) await s.close().catch(() => undefined);
  }

  private async refusedInitialize(e: unknown): Promise<void> {
    const a = errorAnswer(e, 0);
    this.scenario.checks.record(
      "initialize-without-cluster-headers",
      ["AH-LIFE-1"],
      "fail",
      "initialize succeeds without cluster headers",
      `initialize without cluster headers was refused: ${this.secrets.scrub(a.text.split("\n")[0] ?? "").slice(0, 200)}`,
    );
    this.workaroundHeaders = await this.anyIdentityHeaders();
    this.scenario.workaround("AH-LIFE-1", WORKAROUND_NOTE);
  }

  /** Headers for the lifecycle workaround: the scenario's first identity, or a throw-away one. */
  private async anyIdentityHeaders(): Promise<Headers> {
    const first = this.identities.entries()[0];
    if (first) return { ...first[1].identity.headers };
    const identity = await this.identities.mint("lifecycle-workaround", "A", "mintTokenIdentity");
    return { ...identity.headers };
  }

  private async failed(e: unknown): Promise<never> {
    const trouble = await this.target.check(true);
    if (trouble) throw new Untestable(`${trouble.detail}; the scenario cannot go on`);
    throw new Error(`cannot open an MCP session: ${this.secrets.scrub((e as Error).message)}`);
  }
}
