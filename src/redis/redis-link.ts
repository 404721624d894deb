import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AdapterChannel, AdapterLink, Broadcast } from '../gateway/adapter';
import { OutageReport } from './outage-report';
import { ReplayBuffer } from './replay-buffer';
import { decodeMessage, encodeControl, encodeData, type ReplayRequestHeader } from './redis-wire';
import { InboundStreams } from './inbound-streams';
import type { RedisAdapterStats } from './redis-adapter-stats';

/** What a link needs from its adapter. */
export interface LinkContext {
  readonly pub: Redis;
  readonly sub: Redis;
  /** The Redis channel: prefix and gateway path. */
  readonly name: string;
  readonly maxFrames: number;
  readonly maxAgeMs: number;
  readonly stats: RedisAdapterStats;
  detach(link: RedisLink): Promise<void>;
}

/** Heartbeat (head announcement), replay retries and buffer expiry all run on this period. */
const TICK_MS = 500;
/** Frames handed to ioredis but not acknowledged yet; past this, frames wait in the replay buffer. */
export const MAX_UNCONFIRMED = 1000;

const noop = (): void => {};

/**
 * One gateway route's link to Redis. Frames carry the link id and a sequence number; receivers
 * drop duplicates, hold frames after a gap and ask the sender to publish the missing ones again
 * from its replay buffer. Heads (the last sequence number) are announced every tick and whenever
 * a link (re)subscribes, so a gap is found even when the sender has gone quiet.
 */
export class RedisLink implements AdapterLink {
  readonly id = randomBytes(9).toString('base64url');
  private readonly since = Date.now();
  private readonly buffer: ReplayBuffer;
  private readonly inbound: InboundStreams;
  private readonly timer: NodeJS.Timeout;
  private seq = 0;
  private nextToSend = 1;
  private confirmed = 0;
  private subscribed = false;
  private queryOwed = false;
  private closed = false;
  private outage: OutageReport | undefined;
  private lastError: Error | undefined;

  constructor(
    private readonly channel: AdapterChannel,
    private readonly context: LinkContext,
  ) {
    this.buffer = new ReplayBuffer(context.maxFrames, context.maxAgeMs);
    this.outage = this.startOutage();
    this.inbound = new InboundStreams({
      id: this.id,
      since: this.since,
      channel,
      stats: context.stats,
      maxAgeMs: context.maxAgeMs,
      canSend: () => this.canSend(),
      sendControl: (message) => this.sendControl(message),
    });
    if (context.sub.status === 'ready') this.subscribe();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  publish(broadcast: Broadcast): void {
    const at = Date.now();
    const seq = ++this.seq;
    this.buffer.push({ seq, at, message: encodeData(this.id, seq, at, broadcast) });
    this.trim(at);
    if (!this.canSendData()) {
      if (this.outage !== undefined) this.outage.buffered++;
      return;
    }
    this.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.context.detach(this);
  }

  onPubReady(): void {
    // Frames in flight when the connection died may be lost: send them again (receivers dedupe).
    this.nextToSend = Math.max(this.confirmed + 1, this.buffer.oldestSeq ?? this.seq + 1);
    this.sync();
  }

  onSubReady(): void {
    this.subscribe();
  }

  onDown(): void {
    if (this.context.sub.status !== 'ready') this.subscribed = false;
    this.outage ??= this.startOutage();
    this.outage.warn(this.lastError);
  }

  onError(error: Error): void {
    this.lastError = error;
    this.channel.log.debug({ err: error }, 'RedisAdapter: client error');
    // At start Redis may refuse us before any connection existed to 'close'.
    if (!this.subscribed || !this.canSend()) this.onDown();
  }

  onMessage(raw: string): void {
    const message = decodeMessage(raw);
    if (message === undefined || message.header.s === this.id) return;
    const { header } = message;
    if (header.t === 'h' && header.q === 1) this.sendHead(false);
    if (header.t === 'r' && header.to === this.id) this.serveReplay(header);
    this.inbound.receive(header, message.body);
  }

  private subscribe(): void {
    this.context.sub.subscribe(this.context.name).then(() => {
      if (this.closed) return;
      this.subscribed = true;
      this.queryOwed = true;
      this.sync();
    }, noop); // the connection dropped meanwhile: the next 'ready' subscribes again
  }

  /** Redis is reachable again (or for the first time): send what waited, announce, ask peers. */
  private sync(): void {
    if (!this.canSend()) return;
    this.flush();
    this.sendHead(this.subscribed && this.queryOwed);
    if (!this.subscribed) return;
    const now = Date.now();
    this.inbound.resume(now);
    this.outage?.end(now);
    this.outage = undefined;
  }

  private startOutage(): OutageReport {
    const { maxFrames, maxAgeMs, stats } = this.context;
    return new OutageReport({
      channel: this.channel,
      maxFrames,
      maxAgeMs,
      replayed: () => stats.replayed,
    });
  }

  private canSend(): boolean {
    return !this.closed && this.context.pub.status === 'ready';
  }

  private canSendData(): boolean {
    return this.canSend() && this.nextToSend - 1 - this.confirmed < MAX_UNCONFIRMED;
  }

  private flush(): void {
    while (this.nextToSend <= this.seq && this.canSendData()) this.send(this.nextToSend);
  }

  /**
   * Sends one frame. While an outage report is open (Redis just came back, or never answered
   * yet) frames come out of the replay buffer: `replayed`; otherwise `published`.
   */
  private send(seq: number): void {
    this.nextToSend = seq + 1;
    this.context.stats[this.outage === undefined ? 'published' : 'replayed']++;
    this.context.pub.publish(this.context.name, this.buffer.get(seq)!.message).then(() => {
      this.confirmed = Math.max(this.confirmed, seq);
      this.flush();
    }, noop); // lost with the connection: sent again from `confirmed` on 'ready'
  }

  private sendControl(message: string): void {
    this.context.pub.publish(this.context.name, message).catch(noop);
  }

  private sendHead(query: boolean): void {
    if (!this.canSend()) return;
    if (query) this.queryOwed = false;
    this.sendControl(
      encodeControl({ t: 'h', s: this.id, n: this.nextToSend - 1, q: query ? 1 : 0 }),
    );
  }

  /** Drops expired frames; those never sent count as dropped. */
  private trim(now: number): void {
    this.buffer.expire(now);
    const oldest = this.buffer.oldestSeq ?? this.seq + 1;
    if (oldest <= this.nextToSend) return;
    const dropped = oldest - this.nextToSend;
    this.context.stats.dropped += dropped;
    if (this.outage !== undefined) this.outage.dropped += dropped;
    this.nextToSend = oldest;
  }

  private serveReplay(request: ReplayRequestHeader): void {
    if (!this.canSend()) return; // the requester asks again
    this.flush();
    const end = this.nextToSend - 1;
    const oldest = this.buffer.oldestSeq ?? end + 1;
    const start =
      request.a > 0
        ? Math.min(this.buffer.firstSeqSince(request.a) ?? end + 1, end + 1)
        : Math.max(request.n, oldest);
    this.sendControl(encodeControl({ t: 'p', s: this.id, to: request.s, n: start }));
    for (let seq = start; seq <= end; seq++) {
      this.context.stats.replayed++;
      this.sendControl(this.buffer.get(seq)!.message);
    }
  }

  private tick(): void {
    const now = Date.now();
    this.trim(now);
    if (!this.canSend()) return;
    this.flush();
    this.sendHead(false);
    if (this.subscribed) this.inbound.tick(now);
  }
}
