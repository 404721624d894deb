import type { AdapterChannel } from '../gateway/adapter';
import type { ChannelKeys } from './channel-keys';
import type { PublishingClient } from './publish-script';
import { decodeFrame, toBroadcast, type ChannelFrame } from './redis-wire';

/** What a reader needs from its link. */
export interface ReaderContext {
  /** The reading link's id: its own frames are skipped (it delivered them locally). */
  readonly id: string;
  readonly client: PublishingClient;
  readonly channel: AdapterChannel;
  received(fromHistory: boolean): void;
  /** Frames of this channel that are gone from its history before this process read them. */
  lost(keys: ChannelKeys, count: number): void;
  malformed(keys: ChannelKeys, message: string): void;
}

/** History entries read per XRANGE. */
export const HISTORY_PAGE = 500;
/** Senders remembered per channel for duplicate detection (the oldest is forgotten first). */
const MAX_SENDERS = 1000;

const STARTING = 0;
const LIVE = 1;
const READING = 2;
const STALE = 3;
const CLOSED = 4;

/**
 * This process's view of one channel: delivers each frame once, in offset order. Live frames
 * are delivered as they come; a gap in the offsets, a (re)subscription or a new epoch sends the
 * reader to the channel's history for what it missed, and what the history no longer has is
 * reported lost. Duplicates (a publish retried after its answer was lost) are dropped by the
 * sender's sequence number.
 */
export class ChannelReader {
  private epoch: string | undefined;
  /** The next offset to deliver; 0 until the channel's head is known (never 0 once live). */
  private next = 0;
  /** Highest offset heard live in the current epoch. */
  private heard = 0;
  private state = STARTING;
  private again = false;
  private readonly senders = new Map<string, number>();

  constructor(
    readonly keys: ChannelKeys,
    private readonly context: ReaderContext,
  ) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.headKnown = new Promise((resolve) => (this.markKnown = resolve));
  }

  /**
   * Resolves with `position()` as soon as the channel's head is known, before anything is
   * delivered (undefined if the reader closed first).
   */
  readonly headKnown: Promise<string | undefined>;
  private markKnown!: (position: string | undefined) => void;

  /**
   * `<epoch> <offset>` of the last frame this process handed on (its own skipped ones included),
   * `- <offset>` while the channel has no counter yet; undefined until the head is known.
   */
  position(): string | undefined {
    return this.next === 0 ? undefined : `${this.epoch ?? '-'} ${this.next - 1}`;
  }

  /** Resolves once the reader first caught up (or closed): from then on nothing is missed. */
  readonly started: Promise<void>;
  private markStarted!: () => void;

  /** Just subscribing: everything after the channel's current head is this process's to deliver. */
  start(subscribed: Promise<unknown>): void {
    void this.begin(subscribed);
  }

  private async begin(subscribed: Promise<unknown>): Promise<void> {
    const head = this.context.client.hmget(this.keys.meta, 'e', 'n').then(
      (meta) => meta,
      () => undefined,
    );
    const [meta, ok] = await Promise.all([
      head,
      subscribed.then(
        () => true,
        () => false,
      ),
    ]);
    if (this.state === CLOSED) return;
    if (meta !== undefined) {
      this.epoch = meta[0] ?? undefined;
      this.next = Number(meta[1] ?? 0) + 1;
      this.markKnown(this.position());
    }
    if (ok || this.again) await this.read();
    else this.state = STALE;
  }

  /** Subscribed again (after a reconnect) or Redis answers again: read what was missed. */
  resync(): Promise<void> {
    if (this.state === CLOSED) return Promise.resolve();
    if (this.state === STARTING) {
      this.again = true; // subscribed meanwhile: read once the head is known
      return Promise.resolve();
    }
    return this.read();
  }

  get stale(): boolean {
    return this.state === STALE;
  }

  close(): void {
    this.state = CLOSED;
    this.markStarted();
    this.markKnown(undefined);
  }

  onMessage(message: string): void {
    if (this.state === CLOSED) return;
    const frame = decodeFrame(message);
    if (frame === undefined) {
      this.context.malformed(this.keys, message);
      return;
    }
    if (this.state !== LIVE) {
      // Read from the history once the current read is done.
      if (frame.epoch === this.epoch) this.heard = Math.max(this.heard, frame.offset);
      else this.again = true;
      return;
    }
    if (frame.epoch !== this.epoch) this.newEpoch(frame.epoch);
    this.heard = Math.max(this.heard, frame.offset);
    if (frame.offset === this.next) this.take(frame, false);
    else if (frame.offset > this.next) void this.read();
  }

  /** Reads the history from `next` until caught up with what was heard meanwhile. */
  private async read(): Promise<void> {
    if (this.state === READING) {
      this.again = true;
      return;
    }
    const { client } = this.context;
    // Not into ioredis's offline queue while the publisher reconnects: its 'ready' resyncs the
    // readers left stale (see RedisLink.onPubReady).
    if (client.status !== 'ready') {
      this.state = STALE;
      return;
    }
    this.state = READING;
    try {
      do {
        this.again = false;
        const from = Math.max(this.next, 1);
        const [meta, entries] = await Promise.all([
          client.hmget(this.keys.meta, 'e', 'n'),
          client.xrange(this.keys.history, String(from), '+', 'COUNT', HISTORY_PAGE),
        ]);
        if (this.state === CLOSED) return;
        const [epoch, head] = meta;
        if (this.next === 0) {
          // The head was never known: this process's part starts after the current one.
          this.epoch = epoch ?? undefined;
          this.next = Number(head ?? 0) + 1;
          this.markKnown(this.position());
          this.again = true;
          continue;
        }
        if (epoch !== null && epoch !== this.epoch) {
          this.newEpoch(epoch);
          this.again = true;
          continue;
        }
        for (const [id, fields] of entries) this.fromHistory(id, fields);
        if (entries.length === HISTORY_PAGE) this.again = true;
        else if (head !== null && Number(head) >= this.next) {
          this.context.lost(this.keys, Number(head) - this.next + 1);
          this.next = Number(head) + 1;
        }
        if (this.heard >= this.next && entries.length > 0) this.again = true;
      } while (this.again && this.state === READING);
      this.state = LIVE;
      this.markStarted();
    } catch {
      // Redis went away mid-read: the next resync reads again from `next`.
      if (this.state === READING) this.state = STALE;
    }
  }

  private fromHistory(id: string, fields: string[]): void {
    const offset = parseInt(id, 10); // never below `next`: the read starts there
    const frame = decodeFrame(fields[1] ?? '');
    if (frame === undefined || frame.epoch !== this.epoch) {
      this.context.malformed(this.keys, fields[1] ?? '');
      this.next = offset + 1;
      return;
    }
    if (offset > this.next) this.context.lost(this.keys, offset - this.next);
    this.take(frame, true);
  }

  /** Redis has a new counter for the channel: what was heard but not delivered of the old one is lost. */
  private newEpoch(epoch: string): void {
    if (this.epoch !== undefined && this.heard >= this.next) {
      this.context.lost(this.keys, this.heard - this.next + 1);
    }
    this.context.channel.log.debug(
      { channel: this.keys.channel, epoch },
      'RedisAdapter: a channel starts a new epoch (its history expired, or Redis restarted)',
    );
    this.epoch = epoch;
    this.next = 1;
    this.heard = 0;
  }

  private take(frame: ChannelFrame, fromHistory: boolean): void {
    this.next = frame.offset + 1;
    const { s: sender, q: seq } = frame.header;
    if (sender === this.context.id) return;
    const last = this.senders.get(sender);
    if (last !== undefined && seq <= last) return;
    this.senders.delete(sender);
    this.senders.set(sender, seq);
    if (this.senders.size > MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
    this.context.received(fromHistory);
    const { channel } = this.context;
    try {
      channel.deliver(toBroadcast(frame, this.keys.room));
    } catch (err) {
      channel.log.error({ err }, 'RedisAdapter: delivering a broadcast from another process threw');
    }
  }
}
