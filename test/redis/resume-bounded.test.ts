import Fastify, { type FastifyInstance } from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnConnect,
  bootstrap,
  type Connection,
} from '../../src';
import { connectGateway } from '../../src/testing';
import { RedisAdapter } from '../../src/redis';
import { until } from '../support/waiting';
import { describeRedis, RedisClients, sharedRedisPort } from './redis-clients';

let closed = 0;
let server: GatewayServer;

@Gateway('/gone', { resume: { maxDisconnectionMs: 300, maxFrames: 3 } })
class GoneGateway {
  constructor(gatewayServer: GatewayServer) {
    server = gatewayServer;
  }
  @OnConnect() enter(@ConnectedSocket() conn: Connection) {
    conn.join('all');
    conn.data.kept = 'x'.repeat(100);
  }
  @OnClose() leave() {
    closed++;
  }
}

const waitLong = (condition: () => boolean) => until(condition, 1_000_000);

async function dropMany(app: FastifyInstance, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, count - done) }, () => connectGateway(app, '/gone')),
    );
    await waitLong(() => batch.every((client) => client.session !== null));
    await Promise.all(batch.map((client) => client.drop()));
  }
  await waitLong(() => app.websocketServer.clients.size === 0);
}

jest.setTimeout(180_000);

describeRedis('sessions with RedisAdapter that never come back', () => {
  it('10,000 dropped sessions are gone after maxDisconnectionMs: from memory and from Redis', async () => {
    const clients = new RedisClients(sharedRedisPort());
    const redis = clients.client();
    const prefix = `bounded-${process.pid}`;
    const { pub, sub } = clients.pair({ reconnect: true });
    const app = Fastify();
    const adapter = new RedisAdapter({ pub, sub, prefix });
    await bootstrap(app, [GoneGateway], { adapter });
    closed = 0;
    await dropMany(app, 10_000);
    await waitLong(() => closed === 10_000);
    expect(server.fetchConnections()).toEqual([]);
    const sessionKeys = async () => (await redis.keys(`{${prefix}:session:*`)).length;
    for (let i = 0; i < 400 && (await sessionKeys()) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await sessionKeys()).toBe(0);
    // Nor does the adapter keep anything of them (its links' session stores are private).
    const links = [...(adapter as unknown as { links: Set<{ sessions: { size: number } }> }).links];
    expect(links.map((link) => link.sessions.size)).toEqual([0]);
    // What is left (the room's history) expires on its own.
    for (const key of await redis.keys(`*${prefix}*`)) {
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
    await app.close();
    await clients.quitAll();
  });
});
