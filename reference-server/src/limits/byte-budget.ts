/**
 * Bytes held at once by everything that draws on one budget (request bodies arriving, upstream
 * answers being read): without it, many slow senders each holding a little less than the
 * per-message limit hold their sum until they are dropped.
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.held;
  }

  take(n: number): boolean {
    if (this.held + n > this.maxBytes) return false;
    this.held += n;
    return true;
  }

  give(n: number): void {
    this.held -= n;
  }
}
