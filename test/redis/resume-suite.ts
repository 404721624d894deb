import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { bootstrap, type GatewayServer } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { RedisClients, sharedRedisPort } from './redis-clients';
import { lifecycle, OtherResumeGateway, ResumeChatGateway, servers } from './resume-gateway';

/** One process of a resume test: an app serving both resume gateways on its own RedisAdapter. */
export interface ResumeNode {
  readonly app: FastifyInstance;
  readonly adapter: RedisAdapter;
  readonly server: GatewayServer;
  url(path: string): string;
}

/** What a resume suite shares; `redis` and `prefix` are read anew in each test. */
export interface RedisResume<S> {
  /** A plain client of the shared redis-server, to look at the keys. */
  readonly redis: Redis;
  /** This test's key prefix: tests on the shared server never see each other's keys. */
  readonly prefix: string;
  /** The test's client sockets, closed after it. */
  readonly sockets: S[];
  /** Starts a node listening on port 0, closed after the test; `limits` add to the defaults. */
  node(limits?: Record<string, number>): Promise<ResumeNode>;
  /** Closes every node started so far (a test that wants every @OnClose to have run). */
  closeApps(): Promise<void>;
  /** Every key of this test's prefix expires (a key without TTL would live forever). */
  expectEveryKeyExpires(): Promise<void>;
}

/**
 * The set-up of a suite of resume tests against the shared redis-server, called in its
 * `describe`: one set of clients for the suite, a fresh prefix and `lifecycle` per test, and
 * after each test its sockets closed with `closeSocket` and its nodes closed.
 */
export function useRedisResume<S>(
  prefixName: string,
  closeSocket: (socket: S) => unknown,
): RedisResume<S> {
  let clients: RedisClients;
  let redis: Redis;
  let prefixes = 0;
  let prefix = '';
  const apps: FastifyInstance[] = [];
  const sockets: S[] = [];

  async function node(limits: Record<string, number> = {}): Promise<ResumeNode> {
    const { pub, sub } = clients.pair({ reconnect: true });
    const adapter = new RedisAdapter({ pub, sub, prefix });
    const app = Fastify();
    await bootstrap(app, [ResumeChatGateway, OtherResumeGateway], {
      adapter,
      clusterTimeoutMs: 1000,
      limits: { ratePerSecond: Infinity, ...limits },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apps.push(app);
    // Serving as a started process does: connected to Redis and listening on its channels (a
    // claim before then is a fresh connection, as in an outage; a busy machine makes that late).
    if (pub.status !== 'ready') await once(pub, 'ready');
    await adapter.settled();
    const port = (app.server.address() as AddressInfo).port;
    return {
      app,
      adapter,
      server: servers.at(-1)!,
      url: (path) => `ws://127.0.0.1:${port}${path}`,
    };
  }

  async function closeApps(): Promise<void> {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  }

  async function expectEveryKeyExpires(): Promise<void> {
    for (const key of await redis.keys(`*${prefix}*`)) {
      expect({ key, pttl: (await redis.pttl(key)) !== -1 }).toEqual({ key, pttl: true });
    }
  }

  beforeAll(() => {
    clients = new RedisClients(sharedRedisPort());
    redis = clients.client();
  });

  beforeEach(() => {
    prefix = `${prefixName}${++prefixes}-${process.pid}`;
    lifecycle.length = 0;
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map(closeSocket));
    await closeApps();
  });

  afterAll(async () => {
    await clients.quitAll();
  });

  return {
    get redis() {
      return redis;
    },
    get prefix() {
      return prefix;
    },
    sockets,
    node,
    closeApps,
    expectEveryKeyExpires,
  };
}
