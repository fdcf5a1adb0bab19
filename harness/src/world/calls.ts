// Tool calls of a scenario: sent through the SDK client or as raw HTTP,
// each recorded in the timeline with the tuple it carried, kept as `last`
// (and per identity), and followed by a look at the target's health.
import { type Answer, errorAnswer, rawAnswer, resultAnswer } from "../checks/answer.js";
import type { Headers, McpSession } from "../mcp/client.js";
import type { RawHeaders } from "../mcp/raw.js";
import type { TupleLabel } from "../report/model.js";
import type { SecretRegistry } from "../report/redact.js";
import { clusterNamedBy, clusterWhoseDataIsIn } from "../timeline/result-origin.js";
import type { ClusterSet } from "./clusters.js";
import type { ScenarioNetwork } from "./network.js";
import type { ScenarioContext } from "./scenario.js";
import type { Sessions } from "./sessions.js";
import type { TargetSlot } from "./target-slot.js";
import type { Timeline } from "./timeline.js";
import type { Tools } from "./tools.js";

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

interface Sent {
  tool: string;
  label: TupleLabel;
  session: string;
  transport: "http" | "stdio" | "raw-http";
  startEpoch: number;
  at: number;
  control?: boolean;
}

export class Calls {
  last?: LastCall;
  /** The last call of each identity (not counting the harness's control calls). */
  readonly lastBy = new Map<string, LastCall>();
  /** Control call outcome per identity (precondition checks), made at most once per scenario. */
  readonly controls = new Map<string, Answer>();

  constructor(
    private readonly scenario: ScenarioContext,
    private readonly sessions: Sessions,
    private readonly tools: Tools,
    private readonly target: TargetSlot,
    private readonly timeline: Timeline,
    private readonly secrets: SecretRegistry,
    private readonly origin: { clusters: ClusterSet; net: ScenarioNetwork },
  ) {}

  /** One tools/call through the SDK client. */
  async call(spec: string, opts: CallOptions): Promise<LastCall> {
    this.target.requireHealthy();
    const s = opts.session ?? this.sessions.current ?? (await this.sessions.default());
    const tool = opts.rawToolName ? spec : this.tools.name(spec);
    const args = opts.args ?? this.tools.args(spec, opts.label.cluster);
    const startEpoch = Date.now();
    const at = this.scenario.elapsed();
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
    const label = this.sessions.label(s);
    const stdio = (s === this.sessions.current && this.sessions.overStdio) || label === "stdio";
    const last = await this.finish(answer, {
      tool,
      label: opts.label,
      session: label,
      transport: stdio ? "stdio" : "http",
      startEpoch,
      at,
      control: opts.control,
    });
    last.sent = { spec, headers: opts.headers, meta: opts.meta, args: opts.args };
    return last;
  }

  /** One tools/call over raw HTTP (repeated header lines, exact bytes). */
  async raw(
    spec: string,
    headers: RawHeaders,
    label: TupleLabel,
    meta?: Record<string, unknown> | { json: string },
  ) {
    const s = await this.sessions.rawSession();
    const startEpoch = Date.now();
    const at = this.scenario.elapsed();
    const t0 = performance.now();
    const metaText = meta && "json" in meta && typeof meta.json === "string" ? meta.json : undefined;
    let answer: Answer;
    try {
      const { response, message } =
        metaText !== undefined
          ? await s.callWithMetaText(this.tools.name(spec), this.tools.args(spec), headers, metaText)
          : await s.call(
              this.tools.name(spec),
              this.tools.args(spec),
              headers,
              meta as Record<string, unknown> | undefined,
            );
      answer = rawAnswer(response, message, undefined, performance.now() - t0);
    } catch (e) {
      answer = rawAnswer(undefined, undefined, e as Error, performance.now() - t0);
    }
    const last = await this.finish(answer, {
      tool: this.tools.name(spec),
      label,
      session: "raw",
      transport: "raw-http",
      startEpoch,
      at,
    });
    const sentMeta = metaText !== undefined ? JSON.parse(metaText) : meta;
    last.sent = { spec, meta: sentMeta as Record<string, unknown> | undefined };
    return last;
  }

  private async finish(answer: Answer, c: Sent): Promise<LastCall> {
    const first = this.secrets.scrub(answer.text.split("\n").find((l) => l.trim()) ?? "").slice(0, 200);
    const index = this.timeline.addCall(
      {
        at: c.at,
        durationMs: Math.round(answer.durationMs),
        method: "tools/call",
        tool: c.tool,
        transport: c.transport,
        session: c.session,
        tuple: c.label,
        answer: {
          kind: answer.kind,
          ...(answer.code ? { code: answer.code } : {}),
          ...(answer.status !== undefined ? { status: answer.status } : {}),
          text: first,
          ...this.namedAndData(answer),
        },
        ...(c.control ? { control: true } : {}),
      },
      c.startEpoch,
    );
    const last: LastCall = { answer, call: index, label: c.label };
    if (!c.control) {
      this.last = last;
      if (c.label.identity) this.lastBy.set(c.label.identity, last);
    }
    const badInput = (c.label.changes?.length ?? 0) > 0;
    await this.target.check(answer.kind === "no-answer", index, badInput);
    return last;
  }

  private namedAndData(a: Answer) {
    if (a.kind !== "result") return {};
    const view = {
      clusters: () => this.origin.clusters.all(),
      serverOf: (n: string) => this.origin.net.serverOf(n),
    };
    const named = clusterNamedBy(view, a);
    const from = clusterWhoseDataIsIn(view, a.text);
    return { ...(named ? { namedCluster: named } : {}), ...(from ? { dataFrom: from } : {}) };
  }
}
