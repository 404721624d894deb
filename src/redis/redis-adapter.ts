import type { Redis } from 'ioredis';
import { Errors } from '../errors';
import type { AdapterChannel, AdapterLink, GatewayAdapter } from '../gateway/adapter';
import type { RedisAdapterStats } from './redis-adapter-stats';
import { RedisLink } from './redis-link';

export type { RedisAdapterStats } from './redis-adapter-stats';

/** Bounds of the replay buffer; whichever is hit first drops the oldest frame. */
export interface ReplayBufferOptions {
  /** Frames kept per gateway for replay. Default 10000. */
  readonly maxFrames?: number;
  /** How long a frame is kept for replay, in ms. Default 10000. */
  readonly maxAgeMs?: number;
}

export interface RedisAdapterOptions {
  /** The client that publishes. Yours: the adapter never quits it. */
  readonly pub: Redis;
  /** A second client, for subscribing (a subscribed client cannot publish). Yours as well. */
  readonly sub: Redis;
  /** Namespace of the adapter's channels: `<prefix>:<gateway path>`. Default `'fwg'`. */
  readonly prefix?: string;
  readonly replayBuffer?: ReplayBufferOptions;
}

type ClientListener = [client: Redis, event: string, listener: (...args: any[]) => void];

/**
 * Carries broadcasts between processes through Redis pub/sub, so `emit`, `to(room).emit` and
 * `except(…)` reach the matching connections of every process serving the same gateway path.
 * Survives Redis outages: broadcasts wait in a bounded replay buffer and are delivered after
 * reconnect, in order, without loss or duplicates.
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisAdapter } from 'fastify-ws-gateway/redis';
 *
 * const adapter = new RedisAdapter({ pub: new Redis(url), sub: new Redis(url), prefix: 'chat' });
 * await bootstrap(app, [ChatGateway], { adapter });
 * adapter.stats(); // { published, received, replayed, dropped }
 */
export class RedisAdapter implements GatewayAdapter {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly maxFrames: number;
  private readonly maxAgeMs: number;
  private readonly counters: RedisAdapterStats = {
    published: 0,
    received: 0,
    replayed: 0,
    dropped: 0,
  };
  private readonly links = new Map<string, Set<RedisLink>>();
  private listeners: ClientListener[] = [];

  constructor(options: RedisAdapterOptions) {
    const { pub, sub, prefix = 'fwg', replayBuffer = {} } = options ?? {};
    const { maxFrames = 10000, maxAgeMs = 10000 } = replayBuffer;
    if (!isClient(pub) || !isClient(sub) || pub === sub) {
      throw Errors.INVALID_ARGUMENT(
        'new RedisAdapter()',
        'options.pub and options.sub must be two distinct ioredis clients (e.g. new Redis(url) twice): a subscribed client cannot publish',
      );
    }
    if (typeof prefix !== 'string' || prefix === '') {
      throw Errors.INVALID_ARGUMENT(
        'new RedisAdapter()',
        `options.prefix must be a non-empty string, got ${String(prefix)}`,
      );
    }
    if (!Number.isInteger(maxFrames) || maxFrames < 1) {
      throw Errors.INVALID_ARGUMENT(
        'new RedisAdapter()',
        `options.replayBuffer.maxFrames must be a positive integer, got ${maxFrames}`,
      );
    }
    if (!(maxAgeMs > 0)) {
      throw Errors.INVALID_ARGUMENT(
        'new RedisAdapter()',
        `options.replayBuffer.maxAgeMs must be a positive number of ms, got ${maxAgeMs}`,
      );
    }
    this.pub = pub;
    this.sub = sub;
    this.prefix = prefix;
    this.maxFrames = maxFrames;
    this.maxAgeMs = maxAgeMs;
  }

  /** Counters since the adapter was created, summed over its gateways. */
  stats(): RedisAdapterStats {
    return { ...this.counters };
  }

  open(channel: AdapterChannel): AdapterLink {
    if (this.links.size === 0) this.listen();
    const name = `${this.prefix}:${channel.path}`;
    const link = new RedisLink(channel, {
      pub: this.pub,
      sub: this.sub,
      name,
      maxFrames: this.maxFrames,
      maxAgeMs: this.maxAgeMs,
      stats: this.counters,
      detach: (closed) => this.detach(name, closed),
    });
    const peers = this.links.get(name) ?? new Set();
    peers.add(link);
    this.links.set(name, peers);
    return link;
  }

  private async detach(name: string, link: RedisLink): Promise<void> {
    const peers = this.links.get(name)!;
    peers.delete(link);
    if (peers.size > 0) return;
    this.links.delete(name);
    if (this.links.size === 0) this.unlisten();
    // Unsubscribe, never quit: the clients are the user's. Offline, the command waits for reconnect.
    const done = this.sub.unsubscribe(name).catch(() => undefined);
    if (this.sub.status === 'ready') await done;
  }

  // One listener per event for all gateways, so many gateways don't trip MaxListenersExceeded.
  private listen(): void {
    const each = (action: (link: RedisLink) => void) => () => {
      for (const peers of this.links.values()) for (const link of peers) action(link);
    };
    const onError = (error: Error) => {
      for (const peers of this.links.values()) for (const link of peers) link.onError(error);
    };
    this.listeners = [
      [this.pub, 'ready', each((link) => link.onPubReady())],
      [this.sub, 'ready', each((link) => link.onSubReady())],
      [this.pub, 'close', each((link) => link.onDown())],
      [this.sub, 'close', each((link) => link.onDown())],
      [this.pub, 'error', onError],
      [this.sub, 'error', onError],
      [
        this.sub,
        'message',
        (name: string, message: string) => {
          for (const link of this.links.get(name) ?? []) link.onMessage(message);
        },
      ],
    ];
    for (const [client, event, listener] of this.listeners) client.on(event, listener);
  }

  private unlisten(): void {
    for (const [client, event, listener] of this.listeners) client.off(event, listener);
    this.listeners = [];
  }
}

function isClient(value: unknown): value is Redis {
  return (
    typeof (value as Redis | undefined)?.publish === 'function' &&
    typeof (value as Redis).subscribe === 'function'
  );
}
