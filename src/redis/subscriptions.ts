import type { ChannelReader } from './channel-reader';

/** Whoever listens to a channel: a room's reader, or the cluster bus. */
export type SubscriptionReader = Pick<ChannelReader, 'onMessage' | 'resync'> & {
  readonly keys: { readonly channel: string };
};

/** The commands of the subscribing ioredis client (`Redis`, or `Cluster` with sharded pub/sub). */
export interface SubscribingClient {
  readonly status: string;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  ssubscribe(channel: string): Promise<unknown>;
  sunsubscribe(channel: string): Promise<unknown>;
}

const ignore = (): void => undefined;

/**
 * The channels the subscribing client listens to, shared by every link of one adapter: a channel
 * is subscribed while at least one reader wants it, and each reader hears its messages.
 */
export class Subscriptions {
  private readonly channels = new Map<string, Set<SubscriptionReader>>();
  /** Channels left while the client was down, which ioredis re-subscribes by itself on reconnect. */
  private readonly abandoned = new Set<string>();

  constructor(
    private readonly client: SubscribingClient,
    private readonly sharded: boolean,
  ) {}

  /** Adds `reader`; resolves once its channel is subscribed (rejects if the client is down). */
  add(reader: SubscriptionReader): Promise<unknown> {
    const name = reader.keys.channel;
    this.abandoned.delete(name);
    const readers = this.channels.get(name);
    if (readers !== undefined) {
      readers.add(reader);
      // Another reader subscribed it already; a round trip proves that subscription is done.
      return this.subscribe(name);
    }
    this.channels.set(name, new Set([reader]));
    return this.subscribe(name);
  }

  /** Removes `reader`; unsubscribes its channel when no reader is left. */
  async remove(reader: SubscriptionReader): Promise<void> {
    const name = reader.keys.channel;
    const readers = this.channels.get(name);
    if (readers === undefined || !readers.delete(reader) || readers.size > 0) return;
    this.channels.delete(name);
    // Offline, ioredis would subscribe it again on reconnect: unsubscribe it once 'ready'.
    if (this.client.status !== 'ready') this.abandoned.add(name);
    else await this.unsubscribe(name);
  }

  deliver(name: string, message: string): void {
    const readers = this.channels.get(name);
    if (readers === undefined) return;
    for (const reader of readers) reader.onMessage(message);
  }

  /** The client is connected again: subscribe every wanted channel, then let its readers catch up. */
  resubscribe(): void {
    for (const name of this.abandoned) void this.unsubscribe(name);
    this.abandoned.clear();
    for (const [name, readers] of this.channels) {
      this.subscribe(name).then(() => {
        for (const reader of readers) void reader.resync();
      }, ignore);
    }
  }

  private unsubscribe(name: string): Promise<unknown> {
    const done = this.sharded ? this.client.sunsubscribe(name) : this.client.unsubscribe(name);
    // Refused when the connection dropped first: ioredis then subscribes it again on reconnect.
    return done.then(ignore, () => {
      if (!this.channels.has(name)) this.abandoned.add(name);
    });
  }

  private subscribe(name: string): Promise<unknown> {
    // Not before 'ready': ioredis would send SUBSCRIBE ahead of its ready check, which then fails
    // in subscriber mode and drops the connection. `resubscribe()` runs on 'ready'.
    if (this.client.status !== 'ready') return Promise.reject(new Error('not ready'));
    return this.sharded ? this.client.ssubscribe(name) : this.client.subscribe(name);
  }
}
