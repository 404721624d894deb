import type { AdapterChannel, Broadcast } from '../gateway/adapter';
import { encodeControl, toBroadcast, type WireHeader } from './redis-wire';
import type { RedisAdapterStats } from './redis-adapter-stats';
import { SenderStream, type StreamAdvance } from './sender-stream';

/** What the receiving side needs from its link. */
export interface InboundContext {
  /** Id of the receiving link: requests carry it, answers are addressed to it. */
  readonly id: string;
  /** When the receiving link opened: a sender heard of for the first time replays from then. */
  readonly since: number;
  readonly channel: AdapterChannel;
  readonly stats: RedisAdapterStats;
  readonly maxAgeMs: number;
  canSend(): boolean;
  sendControl(message: string): void;
}

const REPLAY_RETRY_MS = 1000;
/** A sender silent this long past `maxAgeMs`, with nothing owed, is a process that is gone. */
const FORGET_AFTER_MS = 2000;

/**
 * The frames of every other process on one gateway channel: delivers them once and in order,
 * asks a sender to replay what is missing, asks again while no progress is made, and gives up
 * once the sender's frames would have expired anyway.
 */
export class InboundStreams {
  private readonly senders = new Map<string, SenderStream<Broadcast>>();

  constructor(private readonly context: InboundContext) {}

  receive(header: WireHeader, body: string): void {
    const stream = this.stream(header.s);
    switch (header.t) {
      case 'd':
        this.deliverAll(stream.accept(header.n, toBroadcast(header, body)));
        break;
      case 'h':
        stream.announce(header.n);
        break;
      case 'p':
        if (header.to === this.context.id) this.advance(header.s, stream.startAt(header.n));
        break;
    }
    this.checkGap(header.s, stream);
  }

  /** Subscribed again: nobody was heard meanwhile, and what was owed is asked again at once. */
  resume(now: number): void {
    for (const [id, stream] of this.senders) {
      stream.lastSeen = now;
      if (stream.request !== undefined) this.sendRequest(id, stream);
    }
  }

  /** Every tick while connected: retries requests, gives up on hopeless gaps, forgets the gone. */
  tick(now: number): void {
    const { maxAgeMs } = this.context;
    const maxAttempts = Math.ceil(maxAgeMs / REPLAY_RETRY_MS) + 2;
    for (const [id, stream] of this.senders) {
      const request = stream.request;
      if (request === undefined) {
        if (now - stream.lastSeen > maxAgeMs + FORGET_AFTER_MS) this.senders.delete(id);
      } else if (request.progress !== stream.next) {
        request.progress = stream.next;
        request.attempts = 0;
        request.sentAt = now;
      } else if (now - request.sentAt >= REPLAY_RETRY_MS) {
        if (++request.attempts <= maxAttempts) this.sendRequest(id, stream);
        else {
          stream.request = undefined;
          this.advance(id, stream.skipGap());
          this.checkGap(id, stream);
        }
      }
    }
  }

  private stream(id: string): SenderStream<Broadcast> {
    let stream = this.senders.get(id);
    if (stream === undefined) {
      stream = new SenderStream(Date.now());
      this.senders.set(id, stream);
    }
    stream.lastSeen = Date.now();
    return stream;
  }

  private checkGap(id: string, stream: SenderStream<Broadcast>): void {
    if (!stream.hasGap()) {
      stream.request = undefined;
    } else if (stream.request === undefined) {
      stream.request = { sentAt: Date.now(), progress: stream.next, attempts: 0 };
      this.sendRequest(id, stream);
    }
  }

  private sendRequest(id: string, stream: SenderStream<Broadcast>): void {
    const { canSend, sendControl, id: self, since } = this.context;
    if (!canSend()) return; // the next tick or reconnect asks
    stream.request!.sentAt = Date.now();
    // A sender never heard from before replays what it emitted since this link opened.
    const first = stream.next === undefined;
    sendControl(
      encodeControl({ t: 'r', s: self, to: id, n: stream.next ?? 0, a: first ? since : 0 }),
    );
  }

  private advance(id: string, step: StreamAdvance<Broadcast>): void {
    this.deliverAll(step.ready);
    if (step.lost === 0) return;
    const { channel } = this.context;
    channel.log.warn(
      { path: channel.path, sender: id, lost: step.lost },
      `RedisAdapter: ${step.lost} broadcasts from another process on gateway "${channel.path}" are gone from its replay buffer and were not delivered here`,
    );
  }

  private deliverAll(broadcasts: Broadcast[]): void {
    const { channel, stats } = this.context;
    for (const broadcast of broadcasts) {
      stats.received++;
      try {
        channel.deliver(broadcast);
      } catch (err) {
        channel.log.error(
          { err },
          'RedisAdapter: delivering a broadcast from another process threw',
        );
      }
    }
  }
}
