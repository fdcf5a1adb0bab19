// One measured phase: bounded warm-up, then a measured run bounded by count and time.
import { type LatencyStats, runPool, summarize } from "../load/stats.js";

export interface PhaseOptions {
  warmup: number;
  calls: number;
  concurrency: number;
  maxMs: number;
}

export interface PhaseResult extends LatencyStats {
  errors: number;
  firstError?: string;
}

/** `call` resolves to undefined on success or an error text. */
export async function measure(
  opts: PhaseOptions,
  call: () => Promise<string | undefined>,
): Promise<PhaseResult> {
  await runPool(
    opts.warmup,
    opts.concurrency,
    async () => {
      await call();
    },
    { deadlineMs: opts.maxMs },
  );
  const durations: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await runPool(
    opts.calls,
    opts.concurrency,
    async () => {
      const t = performance.now();
      let err: string | undefined;
      try {
        err = await call();
      } catch (e) {
        err = (e as Error).message;
      }
      durations.push(performance.now() - t);
      if (err) {
        errors++;
        firstError ??= err;
      }
    },
    { deadlineMs: opts.maxMs },
  );
  return { ...summarize(durations, performance.now() - t0), errors, firstError };
}
