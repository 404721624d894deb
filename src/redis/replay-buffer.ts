/** One cross-process emit kept for replay: its sequence number, when it was made, and its Redis message. */
export interface ReplayFrame {
  readonly seq: number;
  readonly at: number;
  readonly message: string;
}

/**
 * The last frames a process published, bounded by count and age (whichever is hit first drops
 * the oldest). Frames are pushed with consecutive sequence numbers, so lookups are by index.
 */
export class ReplayBuffer {
  private frames: ReplayFrame[] = [];
  private start = 0;

  constructor(
    private readonly maxFrames: number,
    private readonly maxAgeMs: number,
  ) {}

  /** Sequence number of the oldest frame kept, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.frames[this.start]?.seq;
  }

  push(frame: ReplayFrame): void {
    this.frames.push(frame);
    if (this.frames.length - this.start > this.maxFrames) this.start++;
    this.compact();
  }

  /** Drops the frames older than `maxAgeMs` at `now`. */
  expire(now: number): void {
    const limit = now - this.maxAgeMs;
    while (this.start < this.frames.length && this.frames[this.start].at < limit) this.start++;
    this.compact();
  }

  get(seq: number): ReplayFrame | undefined {
    const oldest = this.oldestSeq;
    return oldest === undefined || seq < oldest
      ? undefined
      : this.frames[this.start + seq - oldest];
  }

  /** Sequence number of the first frame made at or after `at`, or undefined when there is none. */
  firstSeqSince(at: number): number | undefined {
    for (let i = this.start; i < this.frames.length; i++) {
      if (this.frames[i].at >= at) return this.frames[i].seq;
    }
    return undefined;
  }

  // Dropping from the front by index keeps push O(1); the array is rebuilt once half of it is dead.
  private compact(): void {
    if (this.start > 1024 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }
}
