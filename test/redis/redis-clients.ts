import Redis, { type RedisOptions } from 'ioredis';
import { REDIS_PORT_ENV } from '../support/redis-server';
import { hasRedisServer } from '../support/system';

/** `describe` when redis-server is installed, `describe.skip` otherwise (global setup prints how to install it). */
export const describeRedis = hasRedisServer() ? describe : describe.skip;

/** Port of the redis-server global setup started for every suite. */
export function sharedRedisPort(): number {
  return Number(process.env[REDIS_PORT_ENV]);
}

export type ClientOptions = RedisOptions & { reconnect?: boolean; bare?: boolean };

/**
 * Makes ioredis clients and quits them all at the end. `reconnect` clients retry every 50 ms
 * (outage tests); the others give up at once, so a broken test fails instead of hanging.
 */
export class RedisClients {
  private readonly clients: Redis[] = [];

  constructor(private readonly port: number) {}

  client(options: ClientOptions = {}): Redis {
    const { reconnect = false, bare = false, ...rest } = options;
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      maxRetriesPerRequest: 1,
      retryStrategy: reconnect ? () => 50 : () => null,
      // disconnect() arms a timer this long even when the socket is already gone (Redis killed).
      disconnectTimeout: 20,
      ...rest,
    });
    // Outage tests leave `bare` clients alone, to prove the adapter's own listener suffices.
    if (!bare) client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  pair(options: ClientOptions = {}): { pub: Redis; sub: Redis } {
    return { pub: this.client(options), sub: this.client(options) };
  }

  /** Disconnects every client at once (quit() would wait for a server that may be down). */
  async quitAll(): Promise<void> {
    // Between reconnect attempts there is no socket, so no 'end' will come.
    const closed = this.clients
      .filter((client) => !['end', 'close', 'reconnecting'].includes(client.status))
      .map((client) => new Promise((resolve) => client.once('end', resolve)));
    for (const client of this.clients.splice(0)) client.disconnect();
    await Promise.all(closed);
  }
}
