import Fastify, { type FastifyInstance } from 'fastify';
import {
  Gateway,
  OnConnect,
  OnMessage,
  Param,
  ConnectedSocket,
  GatewayServer,
  MemoryAdapter,
  bootstrap,
  type Connection,
  type GatewayAdapter,
  type Broadcast,
} from 'fastify-ws-gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { until } from '../support/waiting';

let lastServer: GatewayServer;

@Gateway('/rooms/:room')
class RoomGateway {
  constructor(private readonly server: GatewayServer) {
    lastServer = server;
  }
  @OnConnect() enter(@ConnectedSocket() conn: Connection, @Param('room') room: string) {
    conn.join(room);
  }
  @OnMessage('join') join(room: string, conn: Connection) {
    conn.join(room);
    conn.join(room);
    return [...conn.rooms].sort();
  }
  @OnMessage('leave') leave(room: string, conn: Connection) {
    conn.leave(room);
    conn.leave('never-joined');
    return [...conn.rooms].sort();
  }
  @OnMessage('say') say(text: string, conn: Connection) {
    this.server.to(conn.params.room).except(conn).emit('said', text);
  }
  @OnMessage('shout') shout(text: string) {
    this.server.emit('shout', text);
  }
  @OnMessage('multi') multi(body: { to: string[]; except?: string }) {
    let target = this.server.to(body.to);
    if (body.except !== undefined) target = target.except(body.except);
    target.emit('multi', body.to);
  }
  @OnMessage('count') count(room?: string) {
    return this.server.fetchConnections(room ?? undefined).length;
  }
}

async function startApp(adapter?: GatewayAdapter): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify();
  await bootstrap(app, [RoomGateway], { adapter });
  return { app, base: await listen(app) };
}

describe('rooms and broadcasts', () => {
  const apps: FastifyInstance[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  async function open(base: string, path: string): Promise<TestClient> {
    const client = await TestClient.open(base + path);
    clients.push(client);
    return client;
  }

  it('delivers to(room).except(conn) to the other members of the room only', async () => {
    const { app, base } = await startApp();
    apps.push(app);
    const [a1, a2, b1] = [
      await open(base, '/rooms/a'),
      await open(base, '/rooms/a'),
      await open(base, '/rooms/b'),
    ];
    await expect(a1.request('count', 'a', 0)).resolves.toMatchObject({ data: 2 });
    a1.send({ event: 'say', data: 'hello a' });
    await expect(a2.next()).resolves.toEqual({ event: 'said', data: 'hello a' });
    b1.send({ event: 'shout', data: 'all' });
    for (const client of [a1, a2, b1]) {
      await expect(client.next()).resolves.toEqual({ event: 'shout', data: 'all' });
    }
    expect(a1.unread).toEqual([]);
    expect(b1.unread).toEqual([]);
  });

  it('joins and leaves rooms at once, sends once per connection in several rooms, and honours except(room)', async () => {
    const { app, base } = await startApp();
    apps.push(app);
    const x = await open(base, '/rooms/x');
    const y = await open(base, '/rooms/y');
    await expect(x.request('join', 'extra', 1)).resolves.toMatchObject({ data: ['extra', 'x'] });
    await expect(y.request('join', 'extra', 1)).resolves.toMatchObject({ data: ['extra', 'y'] });
    x.send({ event: 'multi', data: { to: ['x', 'extra', 'nobody'] } });
    await expect(x.next()).resolves.toMatchObject({ event: 'multi' });
    await expect(y.next()).resolves.toMatchObject({ event: 'multi' });
    x.send({ event: 'multi', data: { to: ['extra', 'x'], except: 'y' }, id: 'm' });
    await expect(x.next((f) => f.event === 'multi')).resolves.toMatchObject({
      data: ['extra', 'x'],
    });
    await expect(x.request('leave', 'extra', 2)).resolves.toMatchObject({ data: ['x'] });
    await expect(x.request('count', 'extra', 3)).resolves.toMatchObject({ data: 1 });
    await expect(x.request('count', 'nobody', 4)).resolves.toMatchObject({ data: 0 });
    x.send({ event: 'multi', data: { to: ['nobody'] } });
    await expect(x.request('count', null, 5)).resolves.toMatchObject({ data: 2 });
    expect(y.unread).toEqual([]);
  });

  it('removes a closed connection from every room and from fetchConnections', async () => {
    const { app, base } = await startApp();
    apps.push(app);
    const a = await open(base, '/rooms/a');
    await a.request('join', 'other', 1);
    expect(lastServer.fetchConnections('other')).toHaveLength(1);
    const [conn] = lastServer.fetchConnections();
    await a.close();
    await until(() => lastServer.fetchConnections().length === 0);
    expect(lastServer.fetchConnections('a')).toEqual([]);
    expect(lastServer.fetchConnections('other')).toEqual([]);
    expect(conn.rooms.size).toBe(0);
    conn.join('late');
    conn.emit('ignored', 1);
    expect(lastServer.fetchConnections('late')).toEqual([]);
  });

  it('reaches the connections of another app through a shared adapter, encoded once', async () => {
    const adapter = new MemoryAdapter();
    const published: Broadcast[] = [];
    const spying: GatewayAdapter = {
      open(channel) {
        const link = adapter.open(channel);
        return {
          publish: (broadcast) => {
            published.push(broadcast);
            link.publish(broadcast);
          },
          close: () => link.close(),
        };
      },
    };
    const one = await startApp(spying);
    const two = await startApp(spying);
    apps.push(one.app, two.app);
    const a = await open(one.base, '/rooms/r');
    const b = await open(two.base, '/rooms/r');
    const c = await open(two.base, '/rooms/other');
    a.send({ event: 'say', data: 'across' });
    await expect(b.next()).resolves.toEqual({ event: 'said', data: 'across' });
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({
      payload: '{"event":"said","data":"across"}',
      rooms: ['r'],
      exceptRooms: [],
      exceptIds: [expect.any(String)],
    });
    await expect(c.request('count', null, 1)).resolves.toMatchObject({ data: 2 });
    expect(a.unread).toEqual([]);
    expect(c.unread).toEqual([]);
  });

  it('keeps local delivery when the adapter throws on publish, and logs it', async () => {
    const error = jest.fn();
    const failing: GatewayAdapter = {
      open: () => ({
        publish: () => {
          throw new Error('adapter down');
        },
        close: async () => {},
      }),
    };
    const app = Fastify({
      logger: { level: 'error', stream: { write: (line: string) => error(line) } },
    });
    apps.push(app);
    await bootstrap(app, [RoomGateway], { adapter: failing });
    const base = await listen(app);
    const a = await open(base, '/rooms/z');
    const b = await open(base, '/rooms/z');
    a.send({ event: 'say', data: 'still here' });
    await expect(b.next()).resolves.toEqual({ event: 'said', data: 'still here' });
    expect(error.mock.calls.join('')).toContain('adapter failed to publish');
  });

  it('logs and skips a broadcast that cannot be encoded', async () => {
    const error = jest.fn();
    const app = Fastify({
      logger: { level: 'error', stream: { write: (line: string) => error(line) } },
    });
    apps.push(app);
    await bootstrap(app, [RoomGateway]);
    await app.ready();
    expect(() => lastServer.emit('bad', { big: BigInt(1) })).not.toThrow();
    expect(error.mock.calls.join('')).toContain('could not encode frame \\"bad\\"');
  });
});
