import 'reflect-metadata';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  ClusterTimeoutError,
  ConnectedSocket,
  Gateway,
  GatewayServer,
  MemoryAdapter,
  OnConnect,
  OnServerEvent,
  Param,
  Query,
  bootstrap,
  type Connection,
  type GatewayAdapter,
} from 'fastify-ws-gateway';
import { recordingLogger, type LogEntry } from '../support/recording-channel';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { deferred, until } from '../support/waiting';

/** Every app's GatewayServer and held `slow` answers, in start order. */
const servers: GatewayServer[] = [];
let hold = deferred<string>();
let slowServer: GatewayServer | undefined;

@Gateway('/c/:room')
class ClusterGateway {
  constructor(private readonly server: GatewayServer) {
    servers.push(server);
  }

  @OnConnect()
  enter(
    @ConnectedSocket() conn: Connection,
    @Param('room') room: string,
    @Query('name') name: string,
  ) {
    conn.join(room);
    conn.data.name = name;
    conn.data.since = new Date(0);
    conn.data.nothing = undefined;
    if (name === 'odd') conn.data.big = BigInt(1);
  }

  @OnServerEvent('count')
  count(data: { add: number }, from: string) {
    return { local: this.server.fetchConnections().length + data.add, from };
  }

  @OnServerEvent('boom')
  boom(): never {
    throw new TypeError('no cache here');
  }

  @OnServerEvent('slow')
  slow(): Promise<string> | string {
    return this.server === slowServer ? hold.promise : 'quick';
  }

  @OnServerEvent('nothing')
  nothing(): void {}
}

interface Node {
  app: FastifyInstance;
  base: string;
  server: GatewayServer;
  logs: LogEntry[];
}

describe('cluster-wide operations with the in-memory adapter', () => {
  const apps: FastifyInstance[] = [];
  const clients: TestClient[] = [];

  async function start(adapter?: GatewayAdapter, clusterTimeoutMs?: number): Promise<Node> {
    const logs: LogEntry[] = [];
    const app = Fastify({ loggerInstance: recordingLogger(logs) });
    apps.push(app);
    await bootstrap(app, [ClusterGateway], { adapter, clusterTimeoutMs });
    const base = await listen(app);
    return { app, base, server: servers[servers.length - 1], logs };
  }

  async function open(node: Node, room: string, name: string): Promise<TestClient> {
    const client = await TestClient.open(`${node.base}/c/${room}?name=${name}`);
    clients.push(client);
    await until(() => node.server.fetchConnections().some((c) => c.data.name === name));
    return client;
  }

  afterEach(async () => {
    hold.resolve('late');
    hold = deferred<string>();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    servers.length = 0;
  });

  describe('one process (the default adapter)', () => {
    it('fetchAll() lists the selected connections with their rooms, a JSON copy of data and this node', async () => {
      const node = await start();
      await open(node, 'a', 'ann');
      await open(node, 'b', 'bob');
      const all = await node.server.fetchAll();
      expect(all.map((c) => c.data.name).sort()).toEqual(['ann', 'bob']);
      const [ann] = await node.server.to('a').fetchAll();
      const local = node.server.fetchConnections('a')[0];
      expect(ann).toEqual({
        id: local.id,
        rooms: ['a'],
        // Dates become strings and undefined values are dropped, as across processes.
        data: { name: 'ann', since: '1970-01-01T00:00:00.000Z' },
        node: expect.any(String),
      });
      expect(await node.server.except('a').fetchAll()).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ name: 'bob' }) }),
      ]);
      expect(await node.server.except(local).fetchAll()).toHaveLength(1);
      // The answer is a copy: editing it leaves the connection alone.
      ann.data.name = 'changed';
      expect(local.data.name).toBe('ann');
    });

    it('joinAll / leaveAll move the selected connections; disconnectAll closes them with the code and reason', async () => {
      const node = await start();
      const ann = await open(node, 'a', 'ann');
      await open(node, 'b', 'bob');
      await node.server.to('a').joinAll('archive');
      expect(node.server.fetchConnections('archive').map((c) => c.data.name)).toEqual(['ann']);
      await node.server.joinAll('everyone');
      expect(node.server.fetchConnections('everyone')).toHaveLength(2);
      await node.server.except('b').leaveAll('everyone');
      expect(node.server.fetchConnections('everyone').map((c) => c.data.name)).toEqual(['bob']);

      await node.server.to('archive').disconnectAll(4000, 'maintenance');
      expect(await ann.closed).toEqual({ code: 4000, reason: 'maintenance' });
      await until(() => node.server.fetchConnections().length === 1);
      const [bob] = clients.slice(1);
      await node.server.disconnectAll();
      expect((await bob.closed).code).toBe(1000);
    });

    it('serverSideEmit() resolves [] — there is no other process — and never calls this process’s handler', async () => {
      const node = await start();
      expect(await node.server.serverSideEmit('boom', { a: 1 })).toEqual([]);
    });

    it('refuses bad arguments with the method named', async () => {
      const node = await start();
      await expect(node.server.joinAll('')).rejects.toThrow('joinAll(room): room must be');
      await expect(node.server.leaveAll(3 as never)).rejects.toThrow('leaveAll(room)');
      await expect(node.server.disconnectAll(1006)).rejects.toThrow(/1000 or an integer from 3000/);
      await expect(node.server.disconnectAll(3000.5)).rejects.toThrow(/got 3000.5/);
      await expect(node.server.disconnectAll(4000, 'x'.repeat(124))).rejects.toThrow(/123 bytes/);
      await expect(node.server.disconnectAll(4000, 7 as never)).rejects.toThrow(/123 bytes/);
      await expect(node.server.serverSideEmit('')).rejects.toThrow(/non-empty/);
      await expect(node.server.serverSideEmit(5 as never)).rejects.toThrow('serverSideEmit(…)');
      await expect(node.server.serverSideEmit('count', { n: BigInt(1) })).rejects.toThrow(
        /serverSideEmit\("count"\): data must be JSON-serializable .*BigInt/,
      );
    });

    it('reports a member whose data cannot become JSON as {} and warns, without losing the others', async () => {
      const node = await start();
      await open(node, 'a', 'ann');
      await open(node, 'a', 'odd');
      const members = await node.server.fetchAll();
      expect(
        members.map((m) => m.data).sort((x, y) => String(x.name).localeCompare(String(y.name))),
      ).toEqual([{ name: 'ann', since: '1970-01-01T00:00:00.000Z' }, {}]);
      expect(
        node.logs.some((l) => l.level === 'warn' && l.msg.includes('cannot become JSON')),
      ).toBe(true);
    });

    it('validates clusterTimeoutMs', async () => {
      for (const bad of [0, -1, 1.5, 'x', Infinity]) {
        const app = Fastify();
        apps.push(app);
        await expect(
          bootstrap(app, [ClusterGateway], { clusterTimeoutMs: bad as number }),
        ).rejects.toThrow(/option "clusterTimeoutMs" must be a positive integer/);
      }
    });
  });

  describe('three apps sharing one MemoryAdapter (as processes behind Redis)', () => {
    async function three(timeoutMs?: number): Promise<Node[]> {
      const adapter = new MemoryAdapter();
      return [
        await start(adapter, timeoutMs),
        await start(adapter, timeoutMs),
        await start(adapter, timeoutMs),
      ];
    }

    it('fetchAll / joinAll / disconnectAll reach every app’s connections', async () => {
      const [one, two, three_] = await three();
      await open(one, 'lobby', 'ann');
      await open(two, 'lobby', 'bob');
      const cid = await open(three_, 'other', 'cid');
      const lobby = await one.server.to('lobby').fetchAll();
      expect(lobby.map((m) => m.data.name).sort()).toEqual(['ann', 'bob']);
      expect(new Set((await two.server.fetchAll()).map((m) => m.node)).size).toBe(3);

      await three_.server.to('lobby').joinAll('archive');
      expect(two.server.fetchConnections('archive')).toHaveLength(1);
      expect(one.server.fetchConnections('archive')).toHaveLength(1);
      await one.server.to('lobby').leaveAll('lobby');
      expect((await one.server.to('lobby').fetchAll()).length).toBe(0);

      await one.server.to('other').disconnectAll(4001, 'ban');
      expect(await cid.closed).toEqual({ code: 4001, reason: 'ban' });
    });

    it('serverSideEmit collects the other apps’ answers, errors as ok:false, unknown events logged once', async () => {
      const [one, two, three_] = await three();
      await open(two, 'x', 'bob');
      const answers = await one.server.serverSideEmit('count', { add: 10 });
      const ids = (await one.server.fetchAll()).map((m) => m.node);
      expect(answers).toHaveLength(2);
      expect(answers).toEqual(
        expect.arrayContaining([
          { node: expect.any(String), ok: true, value: { local: 11, from: expect.any(String) } },
          { node: expect.any(String), ok: true, value: { local: 10, from: expect.any(String) } },
        ]),
      );
      expect(ids).toContain(answers.find((a) => a.ok && (a.value as any).local === 11)!.node);

      expect(await one.server.serverSideEmit('boom')).toEqual([
        {
          node: expect.any(String),
          ok: false,
          error: { name: 'TypeError', message: 'no cache here' },
        },
        {
          node: expect.any(String),
          ok: false,
          error: { name: 'TypeError', message: 'no cache here' },
        },
      ]);
      // A handler returning nothing answers with no value.
      expect((await one.server.serverSideEmit('nothing')).map((a) => a.ok)).toEqual([true, true]);

      const unknown = await one.server.serverSideEmit('nobody-handles', 1);
      expect(unknown.map((a) => !a.ok && a.error.message)).toEqual([
        'ClusterGateway has no @OnServerEvent("nobody-handles") handler',
        'ClusterGateway has no @OnServerEvent("nobody-handles") handler',
      ]);
      await one.server.serverSideEmit('nobody-handles', 2);
      for (const node of [two, three_]) {
        expect(node.logs.filter((l) => l.msg.includes('no @OnServerEvent')).length).toBe(1);
      }
    });

    it('rejects with ClusterTimeoutError naming the app that did not answer, carrying the answers that came', async () => {
      const [one, two, three_] = await three(300);
      slowServer = three_.server;
      // `from` in an answer is the asking app's node id: learn the third app's.
      const [first] = await three_.server.serverSideEmit('count', { add: 0 });
      const threeNode = (first as { value: { from: string } }).value.from;
      const started = Date.now();
      const error = (await one.server
        .serverSideEmit('slow')
        .catch((e: unknown) => e)) as ClusterTimeoutError;
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(error).toBeInstanceOf(ClusterTimeoutError);
      expect(error.name).toBe('ClusterTimeoutError');
      expect(error.operation).toBe('serverSideEmit("slow")');
      expect(error.missing).toEqual([threeNode]);
      expect(error.answers).toEqual([{ node: expect.any(String), ok: true, value: 'quick' }]);
      expect(error.message).toBe(
        `serverSideEmit("slow"): 1 process(es) did not answer within clusterTimeoutMs (300 ms): ${threeNode}; 1 answer(s) came`,
      );
      // fetchAll carries this app's own answer too.
      const fetch = (await two.server.fetchAll().catch((e: unknown) => e)) as ClusterTimeoutError;
      expect(fetch).not.toBeInstanceOf(Error);
    });
  });
});
