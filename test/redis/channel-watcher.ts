import type { Redis } from 'ioredis';
import { decodeMessage, encodeControl, type WireHeader } from '../../src/redis/redis-wire';

type Control = Parameters<typeof encodeControl>[0];

/**
 * Watches a gateway's Redis channel with a raw client and plays a fake process on it: what the
 * adapter under test publishes is recorded; forged frames test how it treats other processes.
 */
export class ChannelWatcher {
  readonly seen: WireHeader[] = [];
  private waiters: { match: (h: WireHeader) => boolean; resolve: (h: WireHeader) => void }[] = [];

  private constructor(
    private readonly pub: Redis,
    readonly name: string,
  ) {}

  static async watch(sub: Redis, pub: Redis, name: string): Promise<ChannelWatcher> {
    const watcher = new ChannelWatcher(pub, name);
    sub.on('message', (channel: string, message: string) => {
      const decoded = decodeMessage(message);
      if (channel !== name || decoded === undefined) return;
      watcher.seen.push(decoded.header);
      watcher.waiters = watcher.waiters.filter((waiter) => {
        if (!waiter.match(decoded.header)) return true;
        waiter.resolve(decoded.header);
        return false;
      });
    });
    await sub.subscribe(name);
    return watcher;
  }

  /** The first message (already seen or still to come) that matches; rejects after `timeoutMs`. */
  next(match: (header: WireHeader) => boolean, timeoutMs = 8000, from = 0): Promise<WireHeader> {
    const already = this.seen.slice(from).find(match);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message on ${this.name} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (header) => {
          clearTimeout(timer);
          resolve(header);
        },
      });
    });
  }

  /** Messages of one type sent by `sender`. */
  from(sender: string, type: WireHeader['t']): WireHeader[] {
    return this.seen.filter((header) => header.s === sender && header.t === type);
  }

  async control(header: Control): Promise<void> {
    await this.pub.publish(this.name, encodeControl(header));
  }

  async data(sender: string, seq: number, payload: string): Promise<void> {
    const header = { t: 'd', s: sender, n: seq, a: Date.now(), r: [], x: [], i: [], b: 0 };
    await this.pub.publish(this.name, `${JSON.stringify(header)}\n${payload}`);
  }

  async raw(message: string): Promise<void> {
    await this.pub.publish(this.name, message);
  }
}
