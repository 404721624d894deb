import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  settle,
  type ClusterAnswer,
  type ClusterChannel,
  type ClusterLink,
  type ClusterReplies,
  type ClusterRequest,
} from '../gateway/adapter';
import { clusterChannels, decodeClusterMessage, type ClusterMessage } from './cluster-wire';
import type { SubscriptionReader, Subscriptions } from './subscriptions';

/** The publishing commands the bus uses (`Redis`, or `Cluster` with sharded pub/sub). */
export interface ClusterPublisher {
  /** ioredis's connection state: `ready` when commands go out at once. */
  readonly status: string;
  publish(channel: string, message: string): Promise<unknown>;
  spublish(channel: string, message: string): Promise<unknown>;
}

export interface ClusterBusContext {
  readonly pub: ClusterPublisher;
  readonly subscriptions: Subscriptions;
  readonly prefix: string;
  readonly sharded: boolean;
}

/** Counters of the cluster-wide operations of one `RedisAdapter`. */
export interface RedisClusterStats {
  /** Requests this process sent (`fetchAll`, `joinAll`… `serverSideEmit`). */
  requests: number;
  /** Of those, the ones some live process did not answer in time. */
  timedOut: number;
  /** Requests from other processes this process answered. */
  answered: number;
  /** Answers dropped: late (the call had timed out), from a process not asked, or repeated. */
  ignored: number;
  /** Messages on the cluster channels not in this format; skipped. */
  malformed: number;
}

interface PendingCall {
  readonly waiting: Set<string>;
  readonly answers: ClusterAnswer[];
  readonly finish: () => void;
}

const noop = (): void => undefined;

/** The heartbeat period for a timeout: a peer silent for three periods is dead, well within it. */
export function heartbeatMs(timeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4)));
}

/**
 * The cluster-request part of one `RedisAdapter`: one node id and reply channel for the process,
 * and a `ClusterRoute` per gateway path, which heartbeats on the path's request channel and
 * tracks which other processes serve it.
 */
export class ClusterBus {
  readonly node = randomBytes(9).toString('base64url');
  readonly stats: RedisClusterStats = {
    requests: 0,
    timedOut: 0,
    answered: 0,
    ignored: 0,
    malformed: 0,
  };
  private readonly calls = new Map<number, PendingCall>();
  private readonly routes = new Set<ClusterRoute>();
  private readonly replies: SubscriptionReader;
  private lastCall = 0;
  private logged = { ignored: false, malformed: false };

  constructor(readonly context: ClusterBusContext) {
    this.replies = {
      keys: { channel: clusterChannels(context.prefix, '', this.node).own },
      onMessage: (text) => this.onReply(text),
      resync: async () => undefined,
    };
  }

  open(channel: ClusterChannel): ClusterLink {
    if (this.routes.size === 0) this.context.subscriptions.add(this.replies).catch(noop);
    const route = new ClusterRoute(this, channel);
    this.routes.add(route);
    return route;
  }

  /** Publishes, never throwing: a lost message makes a call time out, which is reported there. */
  publish(channel: string, message: ClusterMessage): Promise<void> {
    const { pub, sharded } = this.context;
    // Not into ioredis's offline queue while Redis is away: a heartbeat or request sent later is
    // stale, and the adapter keeps that queue empty (docs/redis.md).
    if (pub.status !== 'ready') return Promise.resolve();
    const text = JSON.stringify(message);
    const sent = sharded ? pub.spublish(channel, text) : pub.publish(channel, text);
    return sent.then(noop, noop);
  }

  /** Sends `request` to `peers` and collects their answers until all came or `timeoutMs` passed. */
  call(
    route: ClusterRoute,
    peers: readonly string[],
    request: ClusterRequest,
  ): Promise<ClusterReplies> {
    this.stats.requests++;
    const c = ++this.lastCall;
    return new Promise((resolve) => {
      const waiting = new Set(peers);
      const answers: ClusterAnswer[] = [];
      const finish = () => {
        clearTimeout(timer);
        this.calls.delete(c);
        if (waiting.size > 0) this.stats.timedOut++;
        resolve({ answers: [...answers], missing: [...waiting] });
      };
      const timer = setTimeout(finish, route.timeoutMs);
      this.calls.set(c, { waiting, answers, finish });
      this.publish(route.names.requests, {
        v: 1,
        t: 'req',
        n: this.node,
        c,
        to: peers,
        r: request,
      });
    });
  }

  /** A peer said goodbye: calls stop waiting for it (its connections are gone). */
  peerLeft(node: string): void {
    for (const call of [...this.calls.values()]) {
      if (call.waiting.delete(node) && call.waiting.size === 0) call.finish();
    }
  }

  detach(route: ClusterRoute): Promise<void> {
    this.routes.delete(route);
    if (this.routes.size > 0) return Promise.resolve();
    return this.context.subscriptions.remove(this.replies);
  }

  /** Counted always, logged once per adapter (a foreign publisher could flood the log). */
  malformed(route: ClusterRoute, text: string): void {
    this.stats.malformed++;
    if (this.logged.malformed) return;
    this.logged.malformed = true;
    route.channel.log.warn(
      { path: route.channel.path, sample: text.slice(0, 80) },
      "RedisAdapter: skipped a cluster message not in this adapter's format (another app on the same prefix, or another version); further ones are only counted in clusterStats().malformed",
    );
  }

  private onReply(text: string): void {
    const message = decodeClusterMessage(text);
    const route = this.routes.values().next().value as ClusterRoute;
    if (message?.t !== 'res') {
      this.malformed(route, text);
      return;
    }
    const { a: answer } = message;
    const call = this.calls.get(message.c);
    if (call === undefined || !call.waiting.delete(answer.node)) {
      this.stats.ignored++;
      if (this.logged.ignored) return;
      this.logged.ignored = true;
      route.channel.log.info(
        { node: answer.node, call: message.c },
        'RedisAdapter: ignored an answer to a cluster call that had timed out or had not asked that process (logged once; counted in clusterStats().ignored)',
      );
      return;
    }
    call.answers.push(answer);
    if (call.waiting.size === 0) call.finish();
  }
}

/** One gateway path's cluster link: heartbeats, the live peers, and answering their requests. */
export class ClusterRoute implements ClusterLink {
  readonly node: string;
  readonly names: ReturnType<typeof clusterChannels>;
  readonly timeoutMs: number;
  /** Live peers by node id, with when (in this process's monotonic clock) each was last heard. */
  private readonly peers = new Map<string, number>();
  private readonly reader: SubscriptionReader;
  private readonly heartbeat: number;
  private readonly timer: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly bus: ClusterBus,
    readonly channel: ClusterChannel,
  ) {
    this.node = bus.node;
    this.timeoutMs = channel.timeoutMs;
    this.names = clusterChannels(bus.context.prefix, channel.path, bus.node);
    this.heartbeat = heartbeatMs(channel.timeoutMs);
    this.reader = {
      keys: { channel: this.names.requests },
      onMessage: (text) => this.onMessage(text),
      // Back after a reconnect: tell the others at once instead of at the next beat.
      resync: async () => this.beat(),
    };
    bus.context.subscriptions.add(this.reader).then(() => this.beat(), noop);
    this.timer = setInterval(() => this.beat(), this.heartbeat);
    this.timer.unref();
  }

  /** The other processes heard from within three heartbeats. */
  livePeers(): string[] {
    const oldest = performance.now() - 3 * this.heartbeat;
    for (const [node, seen] of this.peers) if (seen < oldest) this.peers.delete(node);
    return [...this.peers.keys()];
  }

  request(request: ClusterRequest): Promise<ClusterReplies> {
    const peers = this.livePeers();
    if (peers.length === 0) return Promise.resolve({ answers: [], missing: [] });
    return this.bus.call(this, peers, request);
  }

  /** Asks `node` alone; a node not heard from lately is not waited for. */
  ask(node: string, request: ClusterRequest): Promise<ClusterReplies> {
    if (!this.livePeers().includes(node)) return Promise.resolve({ answers: [], missing: [node] });
    return this.bus.call(this, [node], request);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    void this.bus.publish(this.names.requests, { v: 1, t: 'bye', n: this.node });
    await Promise.all([this.bus.context.subscriptions.remove(this.reader), this.bus.detach(this)]);
  }

  private beat(): void {
    // Redis has not answered the last beat (a stall): beats must not pile up in the client.
    if (this.beating) return;
    this.beating = true;
    void this.bus
      .publish(this.names.requests, { v: 1, t: 'hb', n: this.node })
      .then(() => (this.beating = false));
  }

  private onMessage(text: string): void {
    const message = decodeClusterMessage(text);
    if (message === undefined || message.t === 'res') {
      this.bus.malformed(this, text);
      return;
    }
    if (message.n === this.node) return;
    if (message.t === 'bye') {
      this.peers.delete(message.n);
      this.bus.peerLeft(message.n);
      return;
    }
    const known = this.peers.has(message.n);
    this.peers.set(message.n, performance.now());
    // A newcomer learns of this process now rather than one heartbeat later.
    if (!known && message.t === 'hb') this.beat();
    if (message.t === 'req' && message.to.includes(this.node)) void this.answer(message);
  }

  private async answer(message: Extract<ClusterMessage, { t: 'req' }>): Promise<void> {
    const answer = await settle(this.node, () => this.channel.answer(message.r, message.n));
    this.bus.stats.answered++;
    void this.bus.publish(this.names.replies(message.n), {
      v: 1,
      t: 'res',
      c: message.c,
      a: answer,
    });
  }
}
