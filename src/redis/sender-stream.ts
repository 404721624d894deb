/** Outcome of moving a stream forward: frames now deliverable, in order, and how many were skipped for good. */
export interface StreamAdvance<T> {
  readonly ready: T[];
  readonly lost: number;
}

/** An outstanding replay request to a sender: when it was last sent and how far the stream was then. */
export interface ReplayRequest {
  sentAt: number;
  progress: number | undefined;
  attempts: number;
}

/**
 * Orders the frames of one remote sender: drops duplicates (ioredis may resend a frame, replays
 * overlap), holds frames that arrive after a gap until the gap is filled, and knows whether
 * something is missing. `next` stays undefined until the sender said where this process starts.
 */
export class SenderStream<T> {
  next: number | undefined;
  /** Highest sequence number the sender announced. */
  head = 0;
  lastSeen: number;
  request: ReplayRequest | undefined;
  private readonly pending = new Map<number, T>();

  constructor(now: number) {
    this.lastSeen = now;
  }

  /** A frame arrived: returns what can be delivered now (nothing while a gap precedes it). */
  accept(seq: number, item: T): T[] {
    if (seq > this.head) this.head = seq;
    if (this.next !== undefined && seq < this.next) return [];
    this.pending.set(seq, item);
    return this.drain();
  }

  announce(head: number): void {
    if (head > this.head) this.head = head;
  }

  /** The sender's frames from `seq` on are coming; anything older still missing is lost. */
  startAt(seq: number): StreamAdvance<T> {
    const lost = this.next !== undefined && this.next < seq ? seq - this.next : 0;
    if (this.next === undefined || this.next < seq) this.next = seq;
    this.forgetBefore(this.next);
    return { ready: this.drain(), lost };
  }

  /** Gives up on the gap (the sender is gone or no longer has the frames): skips to what is held. */
  skipGap(): StreamAdvance<T> {
    const held = [...this.pending.keys()];
    const to = held.length > 0 ? Math.min(...held) : this.head + 1;
    const lost = this.next === undefined ? 0 : to - this.next;
    this.next = to;
    return { ready: this.drain(), lost };
  }

  hasGap(): boolean {
    return this.next === undefined || this.pending.size > 0 || this.head >= this.next;
  }

  private forgetBefore(seq: number): void {
    for (const held of this.pending.keys()) if (held < seq) this.pending.delete(held);
  }

  private drain(): T[] {
    const ready: T[] = [];
    if (this.next === undefined) return ready;
    let item = this.pending.get(this.next);
    while (item !== undefined) {
      ready.push(item);
      this.pending.delete(this.next);
      this.next++;
      item = this.pending.get(this.next);
    }
    return ready;
  }
}
