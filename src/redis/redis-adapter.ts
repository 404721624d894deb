import type { Cluster, Redis } from 'ioredis';
import { Errors } from '../errors';
import type {
  AdapterChannel,
  AdapterLink,
  ClusterChannel,
  ClusterLink,
  GatewayAdapter,
} from '../gateway/adapter';
import { ClusterBus, type ClusterPublisher, type RedisClusterStats } from './cluster-bus';
import type { ChannelKeys } from './channel-keys';
import type { PublishingClient } from './publish-script';
import type { RedisAdapterStats } from './redis-adapter-stats';
import { RedisLink } from './redis-link';
import { Subscriptions, type SubscribingClient } from './subscriptions';

export type { RedisAdapterStats } from './redis-adapter-stats';
export type { RedisClusterStats } from './cluster-bus';

/** Bounds of the queue of broadcasts waiting for Redis; past any of them the oldest is dropped. */
export interface ReplayBufferOptions {
  /** Frames waiting per gateway. Default 10000. */
  readonly maxFrames?: number;
  /** Characters (≈ bytes) waiting per gateway. Default 16 MiB. */
  readonly maxBytes?: number;
  /** How long a frame may wait for Redis, in ms. Default 10000. */
  readonly maxAgeMs?: number;
}

/** Bounds of each channel's history in Redis, from which processes catch up on what they missed. */
export interface HistoryOptions {
  /** Frames kept per channel (approximately). Default 1000. */
  readonly maxFrames?: number;
  /** A channel's history expires after this long without a broadcast, in ms. Default 120000. */
  readonly ttlMs?: number;
}

export interface RedisAdapterOptions {
  /** The client that publishes and reads history: `new Redis(url)` or a `Cluster`. Yours: never quit by the adapter. */
  readonly pub: Redis | Cluster;
  /** A second client, for subscribing (a subscribed client cannot publish). With a `Cluster`, give it `shardedSubscribers: true`. */
  readonly sub: Redis | Cluster;
  /** Namespace of the adapter's keys and channels. Default `'fwg'`. */
  readonly prefix?: string;
  readonly replayBuffer?: ReplayBufferOptions;
  readonly history?: HistoryOptions;
}

type ClientListener = [client: Redis | Cluster, event: string, listener: (...args: any[]) => void];

/**
 * Carries broadcasts between processes through Redis, so `emit`, `to(room).emit` and
 * `except(…)` reach the matching connections of every process serving the same gateway path.
 * Each process listens only to the rooms it has members in (plus one gateway-wide channel).
 * Redis numbers each channel's frames and keeps a short history, from which a process catches
 * up after a reconnect or a stall; what cannot be delivered is counted in `stats().dropped`.
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisAdapter } from 'fastify-ws-gateway/redis';
 *
 * const adapter = new RedisAdapter({ pub: new Redis(url), sub: new Redis(url), prefix: 'chat' });
 * await bootstrap(app, [ChatGateway], { adapter });
 * adapter.stats(); // { published, received, replayed, dropped, malformed }
 */
export class RedisAdapter implements GatewayAdapter {
  private readonly pub: Redis | Cluster;
  private readonly sub: Redis | Cluster;
  private readonly prefix: string;
  private readonly sharded: boolean;
  private readonly queue: { maxFrames: number; maxBytes: number; maxAgeMs: number };
  private readonly history: { maxFrames: number; ttlMs: number };
  private readonly subscriptions: Subscriptions;
  private readonly counters: RedisAdapterStats = {
    published: 0,
    received: 0,
    replayed: 0,
    dropped: 0,
    malformed: 0,
  };
  private readonly links = new Set<RedisLink>();
  private readonly bus: ClusterBus;
  private listeners: ClientListener[] = [];

  constructor(options: RedisAdapterOptions) {
    const { pub, sub, prefix = 'fwg', replayBuffer = {}, history = {} } = options ?? {};
    const where = 'new RedisAdapter()';
    if (!isClient(pub) || !isClient(sub) || pub === sub) {
      throw Errors.INVALID_ARGUMENT(
        where,
        'options.pub and options.sub must be two distinct ioredis clients (e.g. new Redis(url) twice): a subscribed client cannot publish',
      );
    }
    if (isCluster(pub) !== isCluster(sub)) {
      throw Errors.INVALID_ARGUMENT(
        where,
        'options.pub and options.sub must both be Cluster clients, or both plain Redis clients',
      );
    }
    if (typeof prefix !== 'string' || prefix === '') {
      throw Errors.INVALID_ARGUMENT(
        where,
        `options.prefix must be a non-empty string, got ${String(prefix)}`,
      );
    }
    const { maxFrames = 10000, maxBytes = 16 * 1024 * 1024, maxAgeMs = 10000 } = replayBuffer;
    const { maxFrames: historyFrames = 1000, ttlMs = 120000 } = history;
    positiveInteger('replayBuffer.maxFrames', maxFrames);
    positiveInteger('replayBuffer.maxBytes', maxBytes);
    positiveInteger('replayBuffer.maxAgeMs', maxAgeMs);
    positiveInteger('history.maxFrames', historyFrames);
    positiveInteger('history.ttlMs', ttlMs);
    this.pub = pub;
    this.sub = sub;
    this.prefix = prefix;
    this.sharded = isCluster(sub);
    this.queue = { maxFrames, maxBytes, maxAgeMs };
    this.history = { maxFrames: historyFrames, ttlMs };
    this.subscriptions = new Subscriptions(sub as unknown as SubscribingClient, this.sharded);
    this.bus = new ClusterBus({
      pub: pub as unknown as ClusterPublisher,
      subscriptions: this.subscriptions,
      prefix,
      sharded: this.sharded,
    });
  }

  /** Counters of the cluster-wide operations (`fetchAll`, `serverSideEmit`…) since the adapter was created. */
  clusterStats(): RedisClusterStats {
    return { ...this.bus.stats };
  }

  /**
   * Cluster-wide operations over pub/sub: a request channel per gateway path, a reply channel per
   * process, and heartbeats that tell which processes are alive (see the scaling-out guide).
   */
  openCluster(channel: ClusterChannel): ClusterLink {
    this.listen();
    return this.bus.open(channel);
  }

  /** Counters since the adapter was created, summed over its gateways. */
  stats(): RedisAdapterStats {
    return { ...this.counters };
  }

  /**
   * Resolves once every channel this process listens to (the gateway-wide ones, and each room it
   * has a member in) is subscribed and caught up: broadcasts published from then on reach it.
   * Joining a room is immediate locally; across processes it takes a round trip to Redis, so tests
   * that join on one process and emit on another await this in between.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.links].map((link) => link.settled()));
  }

  open(channel: AdapterChannel): AdapterLink {
    if (this.links.size === 0) this.listen();
    const link = new RedisLink(channel, {
      pub: this.pub as unknown as PublishingClient,
      sub: this.sub,
      subscriptions: this.subscriptions,
      prefix: this.prefix,
      sharded: this.sharded,
      queue: this.queue,
      history: this.history,
      stats: this.counters,
      malformed: (at, keys, message) => this.malformed(at, keys, message),
      detach: (closed) => {
        this.links.delete(closed);
        if (this.links.size === 0) this.unlisten();
      },
    });
    this.links.add(link);
    return link;
  }

  /** Counted always, logged once per adapter: a foreign publisher would otherwise flood the log. */
  private malformed(channel: AdapterChannel, keys: ChannelKeys, message: string): void {
    if (this.counters.malformed++ > 0) return;
    channel.log.warn(
      { path: channel.path, channel: keys.channel, sample: message.slice(0, 80) },
      `RedisAdapter: skipped a message on ${keys.channel} that is not in this adapter's format (another app using prefix "${this.prefix}", or another version of fastify-ws-gateway); further ones are only counted in stats().malformed`,
    );
  }

  // One listener per event for all gateways, so many gateways don't trip MaxListenersExceeded.
  private listen(): void {
    if (this.listeners.length > 0) return;
    const each = (action: (link: RedisLink) => void) => () => {
      for (const link of this.links) action(link);
    };
    const onMessage = (name: string, message: string) => this.subscriptions.deliver(name, message);
    this.listeners = [
      [this.pub, 'ready', each((link) => link.onPubReady())],
      [
        this.sub,
        'ready',
        () => {
          // ioredis emits 'ready' before it re-subscribes its channels: act after it does.
          queueMicrotask(() => this.subscriptions.resubscribe());
          for (const link of this.links) link.onSubReady();
        },
      ],
      [this.pub, 'close', each((link) => link.onDown())],
      [this.sub, 'close', each((link) => link.onDown())],
      [this.pub, 'error', (error: Error) => this.links.forEach((link) => link.onError(error))],
      [this.sub, 'error', (error: Error) => this.links.forEach((link) => link.onError(error))],
      [this.sub, this.sharded ? 'smessage' : 'message', onMessage],
    ];
    for (const [client, event, listener] of this.listeners) client.on(event, listener);
  }

  private unlisten(): void {
    for (const [client, event, listener] of this.listeners) client.off(event, listener);
    this.listeners = [];
  }
}

function isClient(value: unknown): value is Redis | Cluster {
  return (
    typeof (value as Redis | undefined)?.publish === 'function' &&
    typeof (value as Redis).subscribe === 'function'
  );
}

function isCluster(client: Redis | Cluster): boolean {
  return (client as Cluster).isCluster === true;
}

function positiveInteger(option: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw Errors.INVALID_ARGUMENT(
      'new RedisAdapter()',
      `options.${option} must be a positive integer, got ${value}`,
    );
  }
}
