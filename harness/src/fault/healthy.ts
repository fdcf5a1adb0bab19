// Healthy tenants calling in the background while faults happen: each call is
// timestamped so latencies can be cut into windows (baseline, during a fault).
import type { LeanMcp, LeanResult } from "../load/lean-mcp.js";

export interface Sample {
  start: number;
  ms: number;
  ok: boolean;
  text: string;
  /** Index of the tenant that made the call. */
  tenant: number;
}

export interface Tenant {
  headers: Record<string, string>;
}

export class HealthyLoad {
  readonly samples: Sample[] = [];
  private stopped = false;
  private running?: Promise<void>;

  constructor(
    private readonly session: LeanMcp,
    private readonly tenants: Tenant[],
    private readonly concurrency: number,
    private readonly call: (s: LeanMcp, t: Tenant) => Promise<LeanResult>,
  ) {}

  /** Runs `n` calls (count-bounded) and resolves when they are done. */
  async fixed(n: number): Promise<Sample[]> {
    const before = this.samples.length;
    let next = 0;
    await Promise.all(
      Array.from({ length: this.concurrency }, async () => {
        while (next < n) {
          const i = next++;
          await this.one(i);
        }
      }),
    );
    return this.samples.slice(before);
  }

  /** Calls continuously until stop() or maxMs (time-bounded). */
  start(maxMs = 120_000): void {
    this.stopped = false;
    const until = Date.now() + maxMs;
    let i = 0;
    this.running = Promise.all(
      Array.from({ length: this.concurrency }, async () => {
        while (!this.stopped && Date.now() < until) await this.one(i++);
      }),
    ).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Samples whose call started in [from, to]. */
  window(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.start >= from && s.start <= to);
  }

  private async one(i: number): Promise<void> {
    const index = i % this.tenants.length;
    const tenant = this.tenants[index] as Tenant;
    const start = performance.now();
    try {
      const r = await this.call(this.session, tenant);
      this.samples.push({
        start,
        ms: r.durationMs,
        ok: !r.isError,
        text: r.isError ? r.text.slice(0, 200) : "",
        tenant: index,
      });
    } catch (e) {
      this.samples.push({
        start,
        ms: performance.now() - start,
        ok: false,
        text: (e as Error).message,
        tenant: index,
      });
    }
  }
}
