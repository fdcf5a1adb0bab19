// The scenario's timeline: each call with the tuple it carried (by name),
// batches of many calls as one line, and the time window of each call, which
// the audit events are later attached to.
import type { Answer } from "../checks/answer.js";
import { type CallReach, clustersReached } from "../checks/contact.js";
import type { CallRecord, TupleLabel } from "../report/model.js";
import type { SecretRegistry } from "../report/redact.js";
import type { CallWindow } from "../timeline/audit.js";
import type { ScenarioContext } from "./scenario.js";

export type LifecycleMethod = "initialize" | "tools/list" | "ping";

export class Timeline {
  readonly windows: CallWindow[] = [];

  constructor(
    private readonly scenario: ScenarioContext,
    private readonly secrets: SecretRegistry,
    /** The label of the instance serving the scenario now. */
    private readonly targetLabel: () => string,
  ) {}

  /** Each timed call with the clusters its tuple sent it to (for the contact witness). */
  reaches(): CallReach[] {
    return this.windows.map((w) => ({
      ...w,
      clusters: clustersReached(this.scenario.record.calls[w.index - 1]?.tuple),
    }));
  }

  /** The index the next call gets. */
  nextIndex(): number {
    return this.scenario.record.calls.length + 1;
  }

  /** A tools/call and its window (start to now). */
  addCall(call: Omit<CallRecord, "index" | "target">, startEpochMs: number): number {
    const index = this.nextIndex();
    const { at, durationMs, method, tool, transport, session, tuple, answer, ...rest } = call;
    // the key order of the record the reports read
    this.scenario.record.calls.push({
      index,
      at,
      durationMs,
      method,
      tool,
      transport,
      session,
      target: this.targetLabel(),
      tuple,
      answer,
      ...rest,
    });
    this.windows.push({ index, startEpochMs, endEpochMs: Date.now() });
    return index;
  }

  /** Lifecycle requests (initialize, ping, tools/list). */
  addLifecycle(method: LifecycleMethod, session: string, answer: Answer, label: TupleLabel): number {
    const index = this.nextIndex();
    this.scenario.record.calls.push({
      index,
      at: this.scenario.elapsed(),
      durationMs: Math.round(answer.durationMs),
      method,
      transport: "http",
      session,
      target: this.targetLabel(),
      tuple: label,
      answer: { kind: answer.kind, text: this.secrets.scrub(answer.text.split("\n")[0] ?? "").slice(0, 200) },
    });
    return index;
  }

  /** Many calls as one line of the timeline, counted by how each ended (`outcomeOf`). */
  addBatch<T>(
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
    this.scenario.record.batches.push({
      index: this.nextIndex(),
      at: timing.at,
      durationMs: Math.round(timing.durationMs),
      label,
      calls: calls.length,
      outcomes,
    });
  }
}
