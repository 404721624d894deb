import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { bootstrap } from '../../src';
import { RedisAdapter, type RedisAdapterOptions } from '../../src/redis';
import { recordingLogger, type LogEntry } from '../support/recording-channel';
import { LobbyGateway, RoomGateway } from '../support/room-gateway';
import { RedisClients } from './redis-clients';

/**
 * One "process" of the fault tests, in this test process: a listening Fastify app serving the
 * test gateways with a RedisAdapter on its own reconnecting ioredis clients (no 'error'
 * listener of ours: the adapter's must be enough), and a log that records what it says.
 */
export class GatewayNode {
  readonly logs: LogEntry[] = [];

  private constructor(
    readonly app: FastifyInstance,
    readonly adapter: RedisAdapter,
    readonly pub: Redis,
    readonly sub: Redis,
  ) {}

  static async start(
    clients: RedisClients,
    options: Partial<RedisAdapterOptions> = {},
  ): Promise<GatewayNode> {
    const { pub, sub } = clients.pair({ reconnect: true, bare: true });
    const adapter = new RedisAdapter({ pub, sub, prefix: 'faults', ...options });
    const logs: LogEntry[] = [];
    const app = Fastify({ loggerInstance: recordingLogger(logs) });
    await bootstrap(app, [RoomGateway, LobbyGateway], {
      adapter,
      // Resume on: its session records go to Redis too, and the zero-loss promise must still hold.
      resume: true,
      // A catch-up from history writes up to a page of frames at once: room for them in the socket.
      limits: { ratePerSecond: Infinity, maxBufferedBytes: 64 * 1024 * 1024 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const node = new GatewayNode(app, adapter, pub, sub);
    (node as { logs: LogEntry[] }).logs = logs;
    return node;
  }

  url(path: string): string {
    return `ws://127.0.0.1:${(this.app.server.address() as AddressInfo).port}${path}`;
  }

  /** Log entries of one level whose message contains `text`. */
  logged(level: string, text = ''): LogEntry[] {
    return this.logs.filter((entry) => entry.level === level && entry.msg.includes(text));
  }
}
