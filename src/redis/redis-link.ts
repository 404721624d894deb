import { randomBytes } from 'node:crypto';
import type {
  AdapterChannel,
  AdapterLink,
  Broadcast,
  SharedSessionOptions,
  SharedSessions,
} from '../gateway/adapter';
import { channelKeys, type ChannelKeys } from './channel-keys';
import { ChannelReader } from './channel-reader';
import { Outbox, type OutboxBounds } from './outbox';
import { OutageReport, type OutageCause } from './outage-report';
import type { HistoryBounds, PublishingClient } from './publish-script';
import type { RedisAdapterStats } from './redis-adapter-stats';
import { encodeFrame } from './redis-wire';
import {
  isComplete,
  markOf,
  readMissed,
  type PositionContext,
  type SessionMark,
} from './session-positions';
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

export type { SessionMark } from './session-positions';

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
  private readonly positions: PositionContext;

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
    this.positions = {
      client: context.pub,
      prefix: context.prefix,
      path: channel.path,
      reader: (room) => this.readers.get(room),
    };
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

  /** Where this process's delivery stands for a session in `rooms` (see session-positions.ts). */
  mark(rooms: readonly string[]): SessionMark {
    return markOf(this.positions, this.id, this.seq, rooms);
  }

  complete(mark: SessionMark, rooms: readonly string[]): Promise<boolean> {
    return isComplete(this.positions, mark, rooms);
  }

  missed(mark: SessionMark, rooms: readonly string[]): Promise<Broadcast[]> {
    return readMissed(this.positions, mark, rooms);
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
