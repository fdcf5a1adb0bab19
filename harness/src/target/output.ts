// The provider's output, capped: its first and last bytes are kept (where a
// start failure and a crash show), the middle is dropped and counted. A
// provider that floods its output costs the harness at most the cap.

/** Characters kept from the start and from the end of each instance's output. */
export const OUTPUT_HEAD_CHARS = 256 * 1024;
export const OUTPUT_TAIL_CHARS = 256 * 1024;

export const capNote = (omitted: number) =>
  `\n[harness] … ${omitted} characters of target output omitted (each instance keeps its first ${OUTPUT_HEAD_CHARS / 1024} KiB and last ${OUTPUT_TAIL_CHARS / 1024} KiB) …\n`;

export class CappedOutput {
  private head = "";
  private tail = "";
  private dropped = 0;

  constructor(
    private readonly headCap = OUTPUT_HEAD_CHARS,
    private readonly tailCap = OUTPUT_TAIL_CHARS,
  ) {}

  /** Appends `chunk`; returns the part of it that went into the head (for a log written as it comes). */
  append(chunk: string): string {
    let rest = chunk;
    let kept = "";
    if (this.head.length < this.headCap) {
      kept = rest.slice(0, this.headCap - this.head.length);
      this.head += kept;
      rest = rest.slice(kept.length);
    }
    if (rest) {
      this.tail += rest;
      if (this.tail.length > this.tailCap) {
        this.dropped += this.tail.length - this.tailCap;
        this.tail = this.tail.slice(-this.tailCap);
      }
    }
    return kept;
  }

  get omitted(): number {
    return this.dropped;
  }

  /** Everything past the head, as the end of a log file (with the note when some was dropped). */
  ending(): string {
    return this.dropped ? capNote(this.dropped) + this.tail : this.tail;
  }

  text(): string {
    return this.head + this.ending();
  }
}
