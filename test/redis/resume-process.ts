/**
 * A child process of the resume tests: the resume gateways with a RedisAdapter on a free port.
 * Tells the parent its port over IPC, then runs until killed (SIGKILL, like a crash).
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import Redis from 'ioredis';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { OtherResumeGateway, ResumeChatGateway } from './resume-gateway';

async function main(): Promise<void> {
  const client = () =>
    new Redis({
      host: '127.0.0.1',
      port: Number(process.env.REDIS_PORT),
      retryStrategy: () => 50,
      maxRetriesPerRequest: 1,
    });
  const adapter = new RedisAdapter({ pub: client(), sub: client(), prefix: process.env.PREFIX });
  const app = Fastify();
  await bootstrap(app, [ResumeChatGateway, OtherResumeGateway], {
    adapter,
    clusterTimeoutMs: 1000,
    limits: { ratePerSecond: Infinity },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await adapter.settled();
  process.send!({ port: (app.server.address() as AddressInfo).port });
  process.on('message', () => {
    void adapter.settled().then(() => process.send!({ settled: true }));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
