import type { FastifyInstance } from 'fastify';
import { RedisAdapter } from '../../src/redis';
import { connectGateway, type GatewayTestClient } from '../../src/testing';
import { buildChatApp } from '../../samples/chat/app';
import { describeRedis, RedisClients, sharedRedisPort } from './redis-clients';

// samples/redis-chat runs these two nodes as two processes; here they share one test process.
describeRedis('samples/redis-chat: two chat nodes sharing one Redis', () => {
  let clients: RedisClients;
  const apps: FastifyInstance[] = [];
  const adapters: RedisAdapter[] = [];
  const sockets: GatewayTestClient[] = [];

  async function chatNode(): Promise<FastifyInstance> {
    const adapter = new RedisAdapter({ ...clients.pair(), prefix: `chat-sample-${process.pid}` });
    adapters.push(adapter);
    const app = await buildChatApp({ adapter });
    apps.push(app);
    return app;
  }

  beforeEach(() => {
    clients = new RedisClients(sharedRedisPort());
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    adapters.length = 0;
    await clients.quitAll();
  });

  it('lets people on different nodes talk in the same room, and only there', async () => {
    const [one, two] = [await chatNode(), await chatNode()];
    const ada = await connectGateway(one, '/chat/lobby', { query: { name: 'ada' } });
    const bob = await connectGateway(two, '/chat/lobby', { query: { name: 'bob' } });
    const eve = await connectGateway(two, '/chat/garden', { query: { name: 'eve' } });
    sockets.push(ada, bob, eve);
    // Each node listens to its rooms once its adapter settled (a round trip to Redis).
    await Promise.all(adapters.map((adapter) => adapter.settled()));

    expect(await ada.request('say', { text: 'hello from node 1' })).toEqual({ ok: true });
    expect(await bob.next('said')).toMatchObject({ user: 'ada', text: 'hello from node 1' });
    await eve.request('say', { text: 'garden only' });
    expect(await eve.next('said')).toMatchObject({ user: 'eve', text: 'garden only' });
    await bob.request('say', { text: 'hi ada' });
    expect(await ada.next('said')).toMatchObject({ user: 'ada', text: 'hello from node 1' });
    // The garden message, emitted before bob's on node 2, would have arrived before 'hi ada'.
    expect(await ada.next('said')).toMatchObject({ user: 'bob', text: 'hi ada' });
  });

  it('shows who is in the room across nodes: presence comes from fetchAll(), not one node’s count', async () => {
    const [one, two] = [await chatNode(), await chatNode()];
    const ada = await connectGateway(one, '/chat/lobby', { query: { name: 'ada' } });
    sockets.push(ada);
    // Node 2 learns of node 1 from its heartbeats: until then it counts only its own members.
    for (let probe = 0; ; probe++) {
      const peek = await connectGateway(two, '/chat/lobby', { query: { name: `peek-${probe}` } });
      const { users } = (await peek.next('joined')) as { users: string[] };
      await peek.close();
      if (users.includes('ada')) break;
    }
    const bob = await connectGateway(two, '/chat/lobby', { query: { name: 'bob' } });
    sockets.push(bob);
    const joined = (await bob.next('joined')) as { user: string; members: number; users: string[] };
    expect(joined.user).toBe('bob');
    expect(joined.users).toEqual(expect.arrayContaining(['ada', 'bob']));
    expect(joined.members).toBe(joined.users.length);
    // Node 1's own count would be 1: it has only ada.
    await bob.close();
    const left = (await ada.next('left')) as { user: string; users: string[] };
    while (left.user !== 'bob') Object.assign(left, await ada.next('left'));
    expect(left.users).toContain('ada');
    expect(left.users).not.toContain('bob');
  });
});
