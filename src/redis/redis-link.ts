import { randomBytes } from 'node:crypto';
import type {
  AdapterChannel,
  AdapterLink,
  Broadcast,
  SharedSessionOptions,
  SharedSessions,
} from '../gateway/adapter';
import { channelKeys, type ChannelKeys } from './channel-keys';
import { ChannelReader, HISTORY_PAGE } from './channel-reader';
import { Outbox, type OutboxBounds } from './outbox';
import { OutageReport, type OutageCause } from './outage-report';
import type { HistoryBounds, PublishingClient } from './publish-script';
import type { RedisAdapterStats } from './redis-adapter-stats';
import { decodeFrame, encodeFrame, toBroadcast } from './redis-wire';
import { RedisSessions, type SessionClient } from './session-share';
import type { Subscriptions } from './subscriptions';

/** What a link needs from its adapter. */
export interface LinkContext {
  readonly pub: PublishingClient;
  readonly sub: { readonly status: string };
  readonly subscriptions: Subscriptions;
  readonly prefix: string;
  readonly sharded: boolean;
  readonly queue: OutboxBounds;
  readonly history: HistoryBounds;
  readonly stats: RedisAdapterStats;
  malformed(channel: AdapterChannel, keys: ChannelKeys, message: string): void;
  detach(link: RedisLink): void;
}

/** Health checks, expiry of waiting frames and the outage report run on this period. */
const TICK_MS = 500;
/** An unanswered publish this old means Redis stalls. */
export const STALL_MS = 2000;
/** A client not ready this long is an outage even before it reported an error. */
const DOWN_MS = 1000;

/**
 * One gateway route's link to Redis. An emit is published on the gateway-wide channel, or on
 * each target room's channel; the link listens to the gateway-wide channel and to the channels
 * of the rooms this process has members in.
 */
export class RedisLink implements AdapterLink {
  readonly id = randomBytes(9).toString('base64url');
  private readonly everyone: ChannelKeys;
  private readonly readers = new Map<string | undefined, ChannelReader>();
  private readonly outbox: Outbox;
  private readonly timer: NodeJS.Timeout;
  private seq = 0;
  private epochs = 0;
  private closed = false;
  private downSince: number | undefined;
  private healthySince: number | undefined;
  private outage: OutageReport | undefined;
  private lastError: Error | undefined;
  private sessions: RedisSessions | undefined;

  constructor(
    private readonly channel: AdapterChannel,
    private readonly context: LinkContext,
  ) {
    this.everyone = channelKeys(context.prefix, channel.path);
    this.outbox = new Outbox({
      client: context.pub,
      bounds: context.queue,
      history: context.history,
      sharded: context.sharded,
      epochCandidate: () => `${this.id}.${++this.epochs}`,
      published: () => {
        context.stats.published++;
        if (this.outage !== undefined) this.check(Date.now());
      },
      dropped: (count) => this.dropped(count, 'overflow'),
    });
    this.listen(undefined);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  publish(broadcast: Broadcast): void {
    const message = encodeFrame(this.id, ++this.seq, broadcast);
    const now = Date.now();
    if (broadcast.rooms.length === 0) this.outbox.push(this.everyone, message, now);
    else {
      for (const room of new Set(broadcast.rooms)) {
        this.outbox.push(channelKeys(this.context.prefix, this.channel.path, room), message, now);
      }
    }
  }

  /** Resumable sessions of this gateway, kept in Redis so any process can resume them. */
  openSessions(options: SharedSessionOptions): SharedSessions {
    this.sessions = new RedisSessions({
      client: this.context.pub as unknown as SessionClient,
      prefix: this.context.prefix,
      path: this.channel.path,
      node: options.node,
      maxDisconnectionMs: options.maxDisconnectionMs,
      mark: (rooms) => this.mark(rooms),
      known: (rooms) =>
        Promise.all([undefined, ...rooms].map((room) => this.readers.get(room)?.headKnown)),
      complete: (mark, rooms) => this.complete(mark as SessionMark, rooms).catch(() => false),
      missed: (mark, rooms) => this.missed(mark as SessionMark, rooms),
    });
    return this.sessions;
  }

  /**
   * Where this process's delivery stands on the channels a session in `rooms` hears: what such a
   * session has had. Its own emits are delivered locally at once, so the sequence number of the
   * last one counts them whatever their offset.
   */
  mark(rooms: readonly string[]): SessionMark {
    const offsets: Record<string, string | null> = {};
    for (const room of [undefined, ...rooms]) {
      offsets[room ?? ''] = this.readers.get(room)?.position() ?? null;
    }
    return { l: this.id, q: this.seq, o: offsets };
  }

  /**
   * Whether each channel of `rooms` still has every frame after `mark` in its history: same
   * epoch, and its first entry after the mark is the next offset (or nothing came since).
   */
  async complete(mark: SessionMark, rooms: readonly string[]): Promise<boolean> {
    const { pub, prefix } = this.context;
    for (const room of [undefined, ...rooms]) {
      const from = parsePosition(mark?.o?.[room ?? '']);
      if (from === undefined) return false;
      const keys = channelKeys(prefix, this.channel.path, room);
      const [[epoch, head], entries] = await Promise.all([
        pub.hmget(keys.meta, 'e', 'n'),
        pub.xrange(keys.history, String(from.offset + 1), '+', 'COUNT', 1),
      ]);
      if (from.epoch === '-' && head === null) continue; // still nothing published
      if ((from.epoch !== '-' && epoch !== from.epoch) || head === null) return false;
      if (Number(head) === from.offset) continue;
      if (parseInt(entries[0]?.[0] ?? '', 10) !== from.offset + 1) return false;
    }
    return true;
  }

  /**
   * The broadcasts a session just adopted here (already in `rooms`, so this process delivers
   * everything after its channels' current positions) has not had since `mark`: read from each
   * channel's history, in order per channel. Rejects when part of them is gone (history trimmed
   * or expired, Redis lost the counter, a position unknown) or Redis fails: never a partial list.
   */
  async missed(mark: SessionMark, rooms: readonly string[]): Promise<Broadcast[]> {
    const channels = [undefined, ...rooms];
    // Taken now, in the tick the session joined: later frames reach it live.
    const ends = channels.map((room) => {
      const reader = this.readers.get(room);
      return reader?.position() ?? reader?.headKnown;
    });
    const found: Broadcast[] = [];
    for (let i = 0; i < channels.length; i++) {
      const room = channels[i];
      const [from, to] = [parsePosition(mark?.o?.[room ?? '']), parsePosition(await ends[i])];
      if (from === undefined || to === undefined) throw new Error('position unknown');
      // A channel without a counter when the mark was taken: all of its current epoch is new.
      const start = from.epoch === '-' || from.epoch === to.epoch ? from.offset : -1;
      if (start < 0) throw new Error('the channel started a new epoch');
      const keys = channelKeys(this.context.prefix, this.channel.path, room);
      for (let next = start + 1; next <= to.offset;) {
        const entries = await this.context.pub.xrange(
          keys.history,
          String(next),
          String(to.offset),
          'COUNT',
          HISTORY_PAGE,
        );
        for (const [id, fields] of entries) {
          const frame = decodeFrame(fields[1] ?? '');
          if (parseInt(id, 10) !== next || frame?.epoch !== to.epoch)
            throw new Error('history gone');
          next++;
          if (frame.header.s === mark.l && frame.header.q <= mark.q) continue;
          found.push(toBroadcast(frame, room));
        }
        if (entries.length === 0) throw new Error('history gone');
      }
    }
    return found;
  }

  roomAdded(room: string): void {
    if (!this.closed) this.listen(room);
  }

  roomRemoved(room: string): void {
    const reader = this.readers.get(room);
    if (reader === undefined) return;
    this.readers.delete(room);
    reader.close();
    void this.context.subscriptions.remove(reader);
  }

  /** Resolves once every channel this link listens to is subscribed and caught up. */
  async settled(): Promise<void> {
    await Promise.all([...this.readers.values()].map((reader) => reader.started));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.sessions?.close();
    const readers = [...this.readers.values()];
    this.readers.clear();
    for (const reader of readers) reader.close();
    this.context.detach(this);
    await Promise.all(readers.map((reader) => this.context.subscriptions.remove(reader)));
  }

  onPubReady(): void {
    this.outbox.pump();
    this.sessions?.rewrite();
    for (const reader of this.readers.values()) if (reader.stale) void reader.resync();
    this.check(Date.now());
  }

  onSubReady(): void {
    this.check(Date.now());
  }

  onDown(): void {
    this.check(Date.now());
  }

  onError(error: Error): void {
    this.lastError = error;
    this.channel.log.debug({ err: error }, 'RedisAdapter: client error');
    if (this.context.pub.status !== 'ready' || this.context.sub.status !== 'ready') {
      this.begin('unreachable');
    }
  }

  private listen(room: string | undefined): void {
    const keys =
      room === undefined
        ? this.everyone
        : channelKeys(this.context.prefix, this.channel.path, room);
    const { stats, malformed } = this.context;
    const reader = new ChannelReader(keys, {
      id: this.id,
      client: this.context.pub,
      channel: this.channel,
      received: (fromHistory) => {
        stats.received++;
        if (fromHistory) stats.replayed++;
      },
      lost: (lostKeys, count) => this.lost(lostKeys, count),
      malformed: (badKeys, message) => malformed(this.channel, badKeys, message),
    });
    this.readers.set(room, reader);
    reader.start(this.context.subscriptions.add(reader));
  }

  private lost(keys: ChannelKeys, count: number): void {
    this.context.stats.dropped += count;
    this.channel.log.warn(
      { path: this.channel.path, channel: keys.channel, lost: count },
      `RedisAdapter: ${count} broadcasts on ${keys.channel} were gone from its history (${this.context.history.maxFrames} frames / ${this.context.history.ttlMs} ms) before this process could read them`,
    );
  }

  private dropped(count: number, cause: OutageCause): void {
    this.begin(cause); // first, so the report counts this drop too
    this.context.stats.dropped += count;
  }

  private begin(cause: OutageCause): void {
    if (this.outage !== undefined || this.closed) return;
    this.healthySince = undefined; // it ends once what was emitted before the next healthy check went out
    this.outage = new OutageReport(
      this.channel,
      this.context.stats,
      cause,
      this.lastError,
      this.context.queue,
    );
  }

  /**
   * Opens the outage report when Redis is down or stalls; closes it once Redis answered every
   * frame emitted before it was healthy again (they all went out, or were dropped and counted).
   */
  private check(now: number): void {
    const { pub, sub } = this.context;
    const up = pub.status === 'ready' && sub.status === 'ready';
    if (up) this.downSince = undefined;
    else this.downSince ??= now;
    const stalled = this.outbox.stalledFor(now) >= STALL_MS;
    if (!up || stalled) this.healthySince = undefined;
    else this.healthySince ??= now;
    if (!up && now - this.downSince! >= DOWN_MS) this.begin('unreachable');
    else if (stalled) this.begin('stalled');
    else if (this.outage !== undefined && this.healthySince !== undefined) {
      const oldest = this.outbox.oldestUnanswered();
      if (oldest !== undefined && oldest < this.healthySince) return;
      this.outage.end(now);
      this.outage = undefined;
    }
  }

  private tick(): void {
    const now = Date.now();
    this.outbox.expire(now);
    this.outbox.pump();
    this.check(now);
    this.sessions?.tick(now);
  }
}

/** Where a session's broadcasts stood: the link that held it, its last emit, and each channel's position. */
export interface SessionMark {
  readonly l: string;
  readonly q: number;
  readonly o: Readonly<Record<string, string | null>>;
}

function parsePosition(text: unknown): { epoch: string; offset: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const [epoch, offset] = text.split(' ');
  const value = Number(offset);
  return Number.isSafeInteger(value) && value >= 0 ? { epoch, offset: value } : undefined;
}
