import type { ChannelKeys } from './channel-keys';
import { runPublish, type HistoryBounds, type PublishingClient } from './publish-script';

/** Bounds of the frames waiting for Redis; past any of them the oldest waiting frame is dropped. */
export interface OutboxBounds {
  readonly maxFrames: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** What an outbox needs from its link. */
export interface OutboxContext {
  readonly client: PublishingClient;
  readonly bounds: OutboxBounds;
  readonly history: HistoryBounds;
  readonly sharded: boolean;
  /** A fresh epoch name, used only if Redis has no counter for the channel. */
  epochCandidate(): string;
  published(): void;
  dropped(count: number): void;
}

/** Publish scripts handed to ioredis without an answer yet; past this, frames wait here. */
export const MAX_IN_FLIGHT = 1000;

const WAITING = 0;
const SENT = 1;
const DONE = 2;
const FAILED = 3;

interface Outgoing {
  readonly keys: ChannelKeys;
  readonly message: string;
  readonly at: number;
  state: number;
  sentAt: number;
}

/**
 * Frames of one link on their way to Redis, in emit order: at most MAX_IN_FLIGHT publish scripts
 * at a time, the rest waiting here, bounded by frames, bytes and age (the oldest waiting frame is
 * dropped first, and counted). Nothing waits in ioredis's offline queue: frames are sent only
 * while the client is ready. A failed publish stops sending until every frame in flight has
 * settled, then the failed ones go again, first and in order; receivers drop the duplicates a
 * publish that ran but lost its answer makes (same sender, same sequence number).
 */
export class Outbox {
  private waiting: Outgoing[] = [];
  private head = 0;
  private waitingBytes = 0;
  private inFlight: Outgoing[] = [];
  private inFlightStart = 0;
  private pending = 0;
  private blocked = false;

  constructor(private readonly context: OutboxContext) {}

  push(keys: ChannelKeys, message: string, now: number): void {
    this.waiting.push({ keys, message, at: now, state: WAITING, sentAt: 0 });
    this.waitingBytes += message.length;
    const { maxFrames, maxBytes } = this.context.bounds;
    let dropped = 0;
    // Frames in flight count against maxFrames too: they cannot be called back, so waiting ones go.
    while (
      this.head < this.waiting.length &&
      (this.waiting.length - this.head + this.pending > maxFrames || this.waitingBytes > maxBytes)
    ) {
      this.dropOldest();
      dropped++;
    }
    if (dropped > 0) this.context.dropped(dropped);
    this.pump();
  }

  /** Sends waiting frames while the client is ready and the window has room. */
  pump(): void {
    const { client } = this.context;
    while (
      !this.blocked &&
      this.head < this.waiting.length &&
      this.pending < MAX_IN_FLIGHT &&
      client.status === 'ready'
    ) {
      const frame = this.waiting[this.head];
      this.waiting[this.head++] = undefined as unknown as Outgoing;
      this.waitingBytes -= frame.message.length;
      this.send(frame);
    }
    this.compact();
  }

  /** Drops waiting frames older than `maxAgeMs`. */
  expire(now: number): void {
    const limit = now - this.context.bounds.maxAgeMs;
    let dropped = 0;
    while (this.head < this.waiting.length && this.waiting[this.head].at < limit) {
      this.dropOldest();
      dropped++;
    }
    this.compact();
    if (dropped > 0) this.context.dropped(dropped);
  }

  /** When the oldest frame Redis has not answered yet was emitted, or undefined when none is left. */
  oldestUnanswered(): number | undefined {
    for (let i = this.inFlightStart; i < this.inFlight.length; i++) {
      if (this.inFlight[i].state !== DONE) return this.inFlight[i].at;
    }
    return this.waiting[this.head]?.at;
  }

  /** How long the oldest unanswered publish has waited for Redis, in ms (0 when none waits). */
  stalledFor(now: number): number {
    for (let i = this.inFlightStart; i < this.inFlight.length; i++) {
      if (this.inFlight[i].state === SENT) return now - this.inFlight[i].sentAt;
    }
    return 0;
  }

  private send(frame: Outgoing): void {
    const { client, history, sharded } = this.context;
    frame.state = SENT;
    frame.sentAt = Date.now();
    this.inFlight.push(frame);
    this.pending++;
    runPublish(
      client,
      frame.keys,
      this.context.epochCandidate(),
      frame.message,
      history,
      sharded,
    ).then(
      () => this.settle(frame, DONE),
      () => this.settle(frame, FAILED),
    );
  }

  private settle(frame: Outgoing, state: number): void {
    frame.state = state;
    this.pending--;
    if (state === DONE) this.context.published();
    else this.blocked = true;
    if (!this.blocked) {
      // Answers of one connection come in order: drop the answered frames at the front.
      while (
        this.inFlightStart < this.inFlight.length &&
        this.inFlight[this.inFlightStart].state === DONE
      ) {
        this.inFlight[this.inFlightStart++] = undefined as unknown as Outgoing;
      }
      if (this.inFlightStart > 1024 && this.inFlightStart * 2 > this.inFlight.length) {
        this.inFlight = this.inFlight.slice(this.inFlightStart);
        this.inFlightStart = 0;
      }
      this.pump();
    } else if (this.pending === 0) {
      this.retryFailed(); // sent again by the next tick or 'ready', not at once: Redis refused them
    }
  }

  /**
   * Every frame in flight has settled and some failed: those go first again, in order, except a
   * frame whose channel already took a later one (sending it now would break the channel's order).
   */
  private retryFailed(): void {
    const again: Outgoing[] = [];
    const later = new Set<string>();
    let dropped = 0;
    for (let i = this.inFlight.length - 1; i >= this.inFlightStart; i--) {
      const frame = this.inFlight[i];
      if (frame.state === DONE) later.add(frame.keys.channel);
      else if (later.has(frame.keys.channel)) dropped++;
      else {
        frame.state = WAITING;
        this.waitingBytes += frame.message.length;
        again.push(frame);
      }
    }
    this.inFlight = [];
    this.inFlightStart = 0;
    this.waiting = [...again.reverse(), ...this.waiting.slice(this.head)];
    this.head = 0;
    this.blocked = false;
    if (dropped > 0) this.context.dropped(dropped);
  }

  private dropOldest(): void {
    this.waitingBytes -= this.waiting[this.head].message.length;
    this.waiting[this.head++] = undefined as unknown as Outgoing;
  }

  // Dropping from the front by index keeps push O(1); the array is rebuilt once half of it is dead.
  private compact(): void {
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}
