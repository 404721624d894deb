import Fastify from 'fastify';
import { bootstrap } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { dropMany, GONE_PATH, goneGateway, waitLong } from '../support/gone-gateway';
import { describeRedis, RedisClients, sharedRedisPort } from './redis-clients';

jest.setTimeout(180_000);

describeRedis('sessions with RedisAdapter that never come back', () => {
  it('10,000 dropped sessions are gone after maxDisconnectionMs: from memory and from Redis', async () => {
    const clients = new RedisClients(sharedRedisPort());
    const redis = clients.client();
    const prefix = `bounded-${process.pid}`;
    const { pub, sub } = clients.pair({ reconnect: true });
    const gone = goneGateway({ data: { kept: 'x'.repeat(100) } });
    const app = Fastify();
    const adapter = new RedisAdapter({ pub, sub, prefix });
    await bootstrap(app, [gone.gateway], { adapter });
    await dropMany(app, GONE_PATH, 10_000);
    await waitLong(() => gone.closed === 10_000);
    expect(gone.server.fetchConnections()).toEqual([]);
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
