import Fastify, { type FastifyInstance } from 'fastify';
import { bootstrap, ClusterTimeoutError, type GatewayServer } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { ClusterGateway, clusterServers, held } from '../support/cluster-gateway';
import { LobbyGateway } from '../support/room-gateway';
import { recordingLogger, type LogEntry } from '../support/recording-channel';
import { RedisServer } from '../support/redis-server';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { describeRedis, RedisClients } from './redis-clients';

const TIMEOUT_MS = 1000;

/** One "process": an app with its own RedisAdapter and client pair, in this test process. */
interface Node {
  app: FastifyInstance;
  base: string;
  server: GatewayServer;
  adapter: RedisAdapter;
  logs: LogEntry[];
}

/** Polls `probe` (each try a real round trip) until it returns true; bounded by 10 s. */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// A redis-server of its own: the last test restarts it.
describeRedis(
  'RedisAdapter cluster-wide operations (apps in this process, real redis-server)',
  () => {
    let redis: RedisServer;
    let clients: RedisClients;
    const nodes: Node[] = [];
    const sockets: TestClient[] = [];

    async function start(prefix: string): Promise<Node> {
      const { pub, sub } = clients.pair({ reconnect: true });
      const adapter = new RedisAdapter({ pub, sub, prefix });
      const logs: LogEntry[] = [];
      const app = Fastify({ loggerInstance: recordingLogger(logs) });
      // A second gateway: two cluster routes share the adapter's reply channel.
      await bootstrap(app, [ClusterGateway, LobbyGateway], {
        adapter,
        clusterTimeoutMs: TIMEOUT_MS,
      });
      const base = await listen(app);
      const node = { app, base, server: clusterServers[clusterServers.length - 1], adapter, logs };
      nodes.push(node);
      return node;
    }

    /** Starts `count` apps and waits until each knows every other one. */
    async function cluster(prefix: string, count = 3): Promise<Node[]> {
      const started: Node[] = [];
      for (let i = 0; i < count; i++) started.push(await start(prefix));
      for (const node of started) {
        await eventually(
          async () => (await node.server.serverSideEmit('whoami')).length === count - 1,
        );
      }
      return started;
    }

    async function open(node: Node, room: string, name: string): Promise<TestClient> {
      const socket = await TestClient.open(`${node.base}/c/${room}?name=${name}`);
      sockets.push(socket);
      await eventually(async () =>
        node.server.fetchConnections().some((c) => c.data.name === name),
      );
      return socket;
    }

    beforeAll(async () => {
      redis = await RedisServer.start();
      clients = new RedisClients(redis.port);
    });

    afterEach(async () => {
      for (const release of held.release.splice(0)) release();
      await Promise.all(sockets.splice(0).map((socket) => socket.close()));
      await Promise.all(nodes.splice(0).map((node) => node.app.close()));
    });

    afterAll(async () => {
      await clients.quitAll();
      await redis.stop();
    });

    it('fetchAll, joinAll, leaveAll and disconnectAll act on the connections of every process', async () => {
      const [one, two, three] = await cluster('ops');
      await open(one, 'lobby', 'ann');
      await open(two, 'lobby', 'bob');
      const cid = await open(three, 'other', 'cid');

      const lobby = await three.server.to('lobby').fetchAll();
      expect(lobby.map((m) => m.data.name).sort()).toEqual(['ann', 'bob']);
      const bob = lobby.find((m) => m.data.name === 'bob')!;
      expect(bob).toEqual({
        id: two.server.fetchConnections()[0].id,
        rooms: ['lobby'],
        data: { name: 'bob', pid: process.pid },
        node: expect.any(String),
      });
      expect(new Set((await one.server.fetchAll()).map((m) => m.node)).size).toBe(3);
      expect(await one.server.except('lobby').fetchAll()).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ name: 'cid' }) }),
      ]);

      await three.server.to('lobby').joinAll('archive');
      expect(one.server.fetchConnections('archive')).toHaveLength(1);
      expect(two.server.fetchConnections('archive')).toHaveLength(1);
      await three.server.leaveAll('lobby');
      expect((await one.server.to('lobby').fetchAll()).length).toBe(0);

      await one.server.to('other').disconnectAll(4002, 'ban');
      expect(await cid.closed).toEqual({ code: 4002, reason: 'ban' });
    });

    it('serverSideEmit: the other processes answer, data crosses as JSON, a throwing handler is an error answer', async () => {
      const [one, two, three] = await cluster('events');
      const before = one.adapter.clusterStats();
      const answers = await one.server.serverSideEmit('echo', {
        when: new Date(0),
        gone: undefined,
        map: new Map([['k', 1]]),
        list: [1, undefined],
      });
      expect(answers).toHaveLength(2);
      for (const answer of answers) {
        expect(answer).toEqual({
          node: expect.any(String),
          ok: true,
          value: { when: '1970-01-01T00:00:00.000Z', map: {}, list: [1, null] },
        });
      }
      const boom = await two.server.serverSideEmit('boom');
      expect(boom.map((a) => !a.ok && a.error)).toEqual([
        { name: 'RangeError', message: `boom in ${process.pid}` },
        { name: 'RangeError', message: `boom in ${process.pid}` },
      ]);
      const unknown = await three.server.serverSideEmit('nobody');
      expect(unknown.map((a) => a.ok)).toEqual([false, false]);
      expect(one.adapter.clusterStats()).toMatchObject({
        requests: before.requests + 1,
        answered: before.answered + 2,
        timedOut: 0,
      });
    });

    it('a process that closes says goodbye: calls in flight stop waiting for it, later ones do not ask it', async () => {
      const [one, two, three] = await cluster('bye');
      const call = one.server.serverSideEmit('slow');
      await eventually(async () => held.release.length === 2);
      await three.app.close();
      nodes.splice(nodes.indexOf(three), 1);
      // The goodbye came: a new call asks only the one process left.
      await eventually(async () => (await one.server.serverSideEmit('whoami')).length === 1);
      const started = Date.now();
      for (const release of held.release.splice(0)) release();
      // No timeout: the closed process was dropped from the call; the other one answered.
      expect(await call).toEqual([{ node: expect.any(String), ok: true, value: 'released' }]);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);

      // The last process a call waits for closes: the call ends at once, with no answers.
      const last = one.server.serverSideEmit('slow');
      await eventually(async () => held.release.length === 1);
      const closedAt = Date.now();
      await two.app.close();
      nodes.splice(nodes.indexOf(two), 1);
      expect(await last).toEqual([]);
      expect(Date.now() - closedAt).toBeLessThan(TIMEOUT_MS);
    });

    it('counts and logs once: malformed messages, answers to calls that timed out or did not ask that process', async () => {
      const [one] = await cluster('bad', 2);
      const raw = clients.client();
      const requests = '{bad:cluster:/c/:room}';
      const [whoami] = await one.server.serverSideEmit('whoami');
      const replies = `{bad:node:${(whoami as { value: { from: string } }).value.from}}`;
      await raw.publish(requests, 'garbage');
      await raw.publish(
        requests,
        JSON.stringify({ v: 1, t: 'res', c: 1, a: { node: 'x', ok: true } }),
      );
      // A request addressed to someone else is not answered.
      await raw.publish(
        requests,
        JSON.stringify({
          v: 1,
          t: 'req',
          n: 'zz',
          c: 1,
          to: ['nobody'],
          r: { op: 'event', event: 'boom' },
        }),
      );
      await raw.publish(replies, 'not json either');
      await raw.publish(replies, JSON.stringify({ v: 1, t: 'hb', n: 'x' }));
      await raw.publish(
        replies,
        JSON.stringify({ v: 1, t: 'res', c: 999, a: { node: 'x', ok: true } }),
      );
      // A late answer: the call timed out (its only peer held its answer), then the answer came.
      const pending = one.server.serverSideEmit('slow').catch((error: unknown) => error);
      // A goodbye from a process the call does not wait for changes nothing.
      await eventually(async () => held.release.length === 1);
      await raw.publish(requests, JSON.stringify({ v: 1, t: 'bye', n: 'stranger' }));
      const timedOut = await pending;
      expect(timedOut).toBeInstanceOf(ClusterTimeoutError);
      held.release.shift()!();
      await eventually(async () => one.adapter.clusterStats().ignored >= 2);
      await eventually(async () => one.adapter.clusterStats().malformed >= 4);
      expect(one.adapter.clusterStats()).toMatchObject({ timedOut: 1, ignored: 2, malformed: 4 });
      expect(one.logs.filter((l) => l.msg.includes('not in this adapter')).length).toBe(1);
      expect(one.logs.filter((l) => l.msg.includes('ignored an answer')).length).toBe(1);
      // None of it stopped the cluster from working.
      expect((await one.server.serverSideEmit('whoami')).length).toBe(1);
    });

    it('keeps at most one heartbeat per gateway waiting in the client while Redis stalls', async () => {
      const [one] = await cluster('stall', 2);
      const pub = (one.adapter as unknown as { pub: { commandQueue: { length: number } } }).pub;
      redis.pause();
      try {
        // Five heartbeat periods (250 ms each) pass without an answer from Redis.
        const until = Date.now() + 1300;
        let most = 0;
        while (Date.now() < until) {
          most = Math.max(most, pub.commandQueue.length);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        // One beat per gateway (two gateways), not one per period.
        expect(most).toBeLessThanOrEqual(2);
      } finally {
        redis.resume();
      }
      await eventually(async () => (await one.server.serverSideEmit('whoami')).length === 1);
    }, 30000);

    it('works again after a Redis restart: processes announce themselves when they are back', async () => {
      const [one] = await cluster('restart', 2);
      await redis.kill();
      await redis.start();
      await eventually(
        async () => (await one.server.serverSideEmit('whoami').catch(() => [])).length === 1,
      );
    }, 30000);
  },
);
