/**
 * A child process of the multi-process tests: one Fastify app serving the test gateways on a
 * free port, with a RedisAdapter on its own ioredis clients (no 'error' listener of ours: the
 * adapter's must be enough). Talks to the parent over IPC: `listening`, `stats`, `close`.
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import Redis from 'ioredis';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { recordingLogger, type LogEntry } from '../support/recording-channel';
import { LobbyGateway, RoomGateway } from '../support/room-gateway';

export type ParentMessage =
  { type: 'stats' } | { type: 'settled' } | { type: 'logs' } | { type: 'close' };
export type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'stats'; stats: ReturnType<RedisAdapter['stats']> }
  | { type: 'settled' }
  | { type: 'logs'; logs: { level: string; msg: string }[] }
  | { type: 'closed'; clientsUsable: boolean };

async function main(): Promise<void> {
  const client = () =>
    new Redis({
      host: '127.0.0.1',
      port: Number(process.env.REDIS_PORT),
      retryStrategy: () => 50,
      maxRetriesPerRequest: 1,
    });
  const pub = client();
  const sub = client();
  const adapter = new RedisAdapter({ pub, sub, prefix: 'multi' });
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
  const send = (message: ChildMessage) => process.send!(message);
  send({ type: 'listening', port: (app.server.address() as AddressInfo).port });

  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'stats') send({ type: 'stats', stats: adapter.stats() });
    if (message.type === 'logs') {
      send({ type: 'logs', logs: logs.map(({ level, msg }) => ({ level, msg })) });
    }
    if (message.type === 'settled') {
      await adapter.settled();
      send({ type: 'settled' });
    }
    if (message.type === 'close') {
      await app.close();
      // Still usable: the pub answers, and the sub left subscriber mode (GET is refused there).
      const clientsUsable = await Promise.all([pub.ping(), sub.get('missing')]).then(
        ([pong, missing]) => pong === 'PONG' && missing === null,
        (error: unknown) => {
          console.error(error);
          return false;
        },
      );
      send({ type: 'closed', clientsUsable });
      pub.disconnect();
      sub.disconnect();
      process.disconnect();
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
