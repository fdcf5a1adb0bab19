interface Waiter {
  readonly key: string;
  readonly resolve: (release: () => void) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * Upstream requests in flight, bounded in all and per API server endpoint. The client pool
 * bounds idle connections only: calls with distinct credentials each get their own agent, so
 * without this 3,000 calls to a hung listener opened 3,000 sockets. A call beyond a bound waits
 * in order, within its own deadline (its signal); the per-endpoint bound keeps one hung server
 * from taking every slot from the others.
 */
export class InFlightLimit {
  private total = 0;
  private readonly perKey = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(
    readonly maxTotal: number,
    readonly maxPerKey: number,
  ) {}

  get inFlight(): number {
    return this.total;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * A release function: at once (no promise on the hot path) when both bounds leave room. Room
   * left while others wait is room none of them can use (wake() runs on every release), so
   * taking it jumps no queue, and an endpoint with room never waits behind a hung one.
   */
  acquire(key: string, signal: AbortSignal): (() => void) | Promise<() => void> {
    if (this.room(key)) return this.take(key);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        key,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private room(key: string): boolean {
    return this.total < this.maxTotal && (this.perKey.get(key) ?? 0) < this.maxPerKey;
  }

  private take(key: string): () => void {
    this.total++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const n = (this.perKey.get(key) ?? 1) - 1;
      if (n === 0) this.perKey.delete(key);
      else this.perKey.set(key, n);
      this.wake();
    };
  }

  /** First come, first served, skipping waiters whose endpoint is still at its bound. */
  private wake(): void {
    for (let i = 0; i < this.queue.length && this.total < this.maxTotal; ) {
      const w = this.queue[i] as Waiter;
      if (!this.room(w.key)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      w.signal.removeEventListener("abort", w.onAbort);
      w.resolve(this.take(w.key));
    }
  }
}
