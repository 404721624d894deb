import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { RedisServer } from '../support/redis-server';
import {
  compileGatewayProcess,
  GatewayChild,
  removeCompiled,
  WireClient,
} from './gateway-children';
import { describeRedis } from './redis-clients';

// Real processes: each child is its own Fastify app with its own RedisAdapter, on this suite's
// own redis-server (killed and restarted here, so never the shared one).
const ROOT = join(__dirname, '..', '..');

describeRedis('RedisAdapter across real processes', () => {
  let server: RedisServer;
  let compiled: string;
  let one: GatewayChild;
  let two: GatewayChild;
  const children: GatewayChild[] = [];
  const clients: WireClient[] = [];

  async function child(): Promise<GatewayChild> {
    const started = await GatewayChild.fork(compiled, server.port);
    children.push(started);
    return started;
  }

  async function connect(node: GatewayChild, path: string, settle = true): Promise<WireClient> {
    const client = await WireClient.open(node.url(path));
    clients.push(client);
    // Its room is heard across processes once that process subscribed it.
    if (settle) await node.settled();
    return client;
  }

  beforeAll(async () => {
    compiled = compileGatewayProcess();
    server = await RedisServer.start();
    [one, two] = await Promise.all([child(), child()]);
  }, 60000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await server.start(); // no-op unless a test left it down
    const usable = await Promise.all(children.map((node) => node.close()));
    // app.close() unsubscribed and left the user's ioredis clients working.
    expect({ usable, stderr: children.map((node) => node.stderr) }).toEqual({
      usable: children.map(() => true),
      stderr: children.map(() => ''),
    });
    for (const node of children) {
      expect(node.stderr).not.toContain('Unhandled error event');
      node.kill();
    }
    await server.stop();
    removeCompiled(compiled);
  }, 30000);

  it('loads ioredis only through the fastify-ws-gateway/redis entry', async () => {
    const loads = (entry: string) =>
      execFileSync(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(entry)}); console.log(Object.keys(require.cache).some((f) => f.includes('/node_modules/ioredis/')))`,
        ],
        { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, encoding: 'utf8' },
      ).trim();
    expect(loads(join(compiled, 'src', 'index.js'))).toBe('false');
    expect(loads(join(compiled, 'src', 'redis', 'index.js'))).toBe('false'); // type-only imports: the user brings the clients
  });

  it('delivers a room broadcast once to the room’s connections in the other process, and to no one else', async () => {
    const [oneA, twoA, twoB] = [
      await connect(one, '/rooms/a'),
      await connect(two, '/rooms/a'),
      await connect(two, '/rooms/b'),
    ];
    await oneA.request('to-room', { room: 'a', text: 'for a' });
    await oneA.request('except-me', { text: 'not for the sender' });
    await oneA.request('all', { text: 'barrier' });
    await Promise.all([twoA.waitFor(3, 10000), twoB.waitFor(2, 10000), oneA.waitFor(2, 10000)]);

    expect(twoA.heard).toEqual(['for a', 'not for the sender', 'barrier']);
    expect(twoB.heard).toEqual(['not for the sender', 'barrier']);
    expect(oneA.heard).toEqual(['for a', 'barrier']);
  });

  it('loses no frame across a 2-second Redis restart during a 50 emits/s stream, and handlers answer within 1 s throughout', async () => {
    const [sender, receiver, bystander] = [
      await connect(one, '/rooms/a'),
      await connect(two, '/rooms/a'),
      await connect(two, '/rooms/b'),
    ];
    await sender.request('to-room', { room: 'a', text: 'warm-up' });
    await receiver.waitFor(1, 10000);

    const FRAMES = 250; // 5 s at 50/s: Redis is killed at frame 50 and back at frame 150
    const latencies: Promise<number>[] = [];
    let restarted: Promise<void> = Promise.resolve();
    await new Promise<void>((resolve) => {
      let i = 0;
      const timer = setInterval(() => {
        latencies.push(sender.request('to-room', { room: 'a', text: `frame-${i}` }));
        if (i % 5 === 0)
          latencies.push(bystander.request('to-room', { room: 'b', text: `local-${i}` }));
        if (i === 49) void server.kill();
        if (i === 149) restarted = server.start();
        if (++i === FRAMES) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    await restarted;
    await receiver.waitFor(1 + FRAMES, 15000);

    expect(receiver.heard).toEqual([
      'warm-up',
      ...Array.from({ length: FRAMES }, (_, i) => `frame-${i}`),
    ]);
    expect(Math.max(...(await Promise.all(latencies)))).toBeLessThan(1000);
    const sent = await one.stats();
    expect(sent.dropped).toBe(0);
    process.stdout.write(
      `multi-process outage: ${FRAMES} frames sent at 50/s across a 2 s Redis restart; ${FRAMES + 1 - receiver.heard.length} lost; sender stats ${JSON.stringify(sent)}, receiver ${JSON.stringify(await two.stats())}\n`,
    );
  }, 40000);

  it('starts and answers while Redis is down, and joins in once it is back', async () => {
    await server.kill();
    const late = await child();
    const client = await connect(late, '/rooms/a', false); // Redis is down: nothing to settle on
    expect(await client.request('to-room', { room: 'a', text: 'alone' })).toBeLessThan(1000);
    await client.waitFor(1, 1000);

    await server.start();
    await late.settled();
    const other = await connect(one, '/rooms/a');
    await other.request('to-room', { room: 'a', text: 'hello from one' });
    await client.waitFor(2, 10000);
    expect(client.heard).toEqual(['alone', 'hello from one']);
  }, 30000);
});
