import Fastify, { type FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import {
  Gateway,
  OnConnect,
  OnClose,
  OnMessage,
  GatewayServer,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { fakeOnly } from '../support/fake-timers';
import { deferred, until } from '../support/waiting';

describe('limits', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    jest.useRealTimers();
    await app?.close();
  });

  it('closes with 1009 above the gateway maxPayload; ws enforces the largest one', async () => {
    @Gateway('/small', { limits: { maxPayload: 1000 } })
    class SmallGateway {
      @OnMessage('echo') echo(body: string) {
        return body.length;
      }
    }
    @Gateway('/large', { limits: { maxPayload: 4000 } })
    class LargeGateway {
      @OnMessage('echo') echo(body: string) {
        return body.length;
      }
    }
    app = Fastify();
    await bootstrap(app, [SmallGateway, LargeGateway]);
    const base = await listen(app);
    expect(app.websocketServer.options.maxPayload).toBe(4000);
    const large = await TestClient.open(`${base}/large`);
    await expect(large.request('echo', 'x'.repeat(2000), 1)).resolves.toMatchObject({ data: 2000 });
    const small = await TestClient.open(`${base}/small`);
    await expect(small.request('echo', 'x'.repeat(900), 1)).resolves.toMatchObject({ data: 900 });
    small.send({ event: 'echo', data: 'x'.repeat(2000), id: 2 });
    // Frames after the oversized one are not handled any more.
    small.send({ event: 'echo', data: 'late', id: 3 });
    await expect(small.closed).resolves.toMatchObject({ code: 1009 });
    expect(small.unread).toEqual([]);
    large.send({ event: 'echo', data: 'x'.repeat(5000), id: 2 });
    await expect(large.closed).resolves.toMatchObject({ code: 1009 });
  });

  it('closes a client that does not read with 1013 once its outbound buffer passes maxBufferedBytes', async () => {
    let server!: GatewayServer;
    @Gateway('/flood', { limits: { maxBufferedBytes: 64 * 1024 } })
    class FloodGateway {
      constructor(gatewayServer: GatewayServer) {
        server = gatewayServer;
      }
      @OnMessage('flood') flood(_body: unknown, conn: Connection) {
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 320; i++) conn.emit('chunk', chunk);
      }
    }
    app = Fastify();
    await bootstrap(app, [FloodGateway]);
    const client = await TestClient.open(`${await listen(app)}/flood`);
    const raw = (client.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    client.send({ event: 'flood' });
    await until(() => server.fetchConnections()[0]?.socket.readyState === 2, 100000);
    const [conn] = server.fetchConnections();
    // Nothing more is queued for it: its buffer stays near the limit, not 20 MB.
    expect(conn.socket.bufferedAmount).toBeLessThan(2 * 1024 * 1024);
    raw.resume();
    await expect(client.closed).resolves.toMatchObject({ code: 1013 });
    await until(() => server.fetchConnections().length === 0);
  });

  it('cuts a slow reader that never completes the close handshake', async () => {
    let server!: GatewayServer;
    @Gateway('/stuck', { limits: { maxBufferedBytes: 1024 } })
    class StuckGateway {
      constructor(gatewayServer: GatewayServer) {
        server = gatewayServer;
      }
      @OnMessage('flood') flood(_body: unknown, conn: Connection) {
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 200; i++) conn.emit('chunk', chunk);
      }
    }
    const closes: number[] = [];
    app = Fastify();
    await bootstrap(app, [StuckGateway]);
    const client = await TestClient.open(`${await listen(app)}/stuck`);
    (client.socket as unknown as { _socket: Socket })._socket.pause();
    client.send({ event: 'flood' });
    await until(() => server.fetchConnections()[0]?.socket.readyState === 2, 100000);
    server.fetchConnections()[0].socket.once('close', (code) => closes.push(code));
    await until(() => closes.length === 1, 1e6);
    expect(closes).toEqual([1006]);
    client.socket.terminate();
  });

  it('runs at most maxInFlight handlers per connection, pauses reading and drops nothing', async () => {
    const gates: { resolve: () => void }[] = [];
    let conn!: Connection;
    let server!: GatewayServer;
    @Gateway('/busy', { limits: { maxInFlight: 2 } })
    class BusyGateway {
      constructor(gatewayServer: GatewayServer) {
        server = gatewayServer;
      }
      @OnMessage('hold') async hold(n: number, connection: Connection) {
        conn = connection;
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        return n;
      }
      @OnMessage('quick') quick(n: number) {
        return n;
      }
    }
    app = Fastify();
    await bootstrap(app, [BusyGateway]);
    const client = await TestClient.open(`${await listen(app)}/busy`);
    // Counted after the gateway's own listener, so a counted frame has been handled or queued.
    let received = 0;
    server.fetchConnections()[0].socket.on('message', () => received++);
    for (let n = 1; n <= 5; n++) client.send({ event: 'hold', data: n, id: n });
    client.send({ event: 'quick', data: 6, id: 6 });
    await until(() => gates.length >= 2);
    // Every frame had its chance: either the server read them all, or it stopped reading.
    await until(() => received === 6 || conn.socket.isPaused);
    expect(gates).toHaveLength(2);
    expect(conn.socket.isPaused).toBe(true);
    gates[0].resolve();
    await expect(client.reply(1)).resolves.toMatchObject({ data: 1 });
    await until(() => gates.length === 3);
    for (let i = 1; i < 5; i++) {
      await until(() => gates.length > i);
      gates[i].resolve();
    }
    const replies = await Promise.all([2, 3, 4, 5, 6].map((id) => client.reply(id)));
    expect(replies.map((frame) => frame.data)).toEqual([2, 3, 4, 5, 6]);
    expect(conn.socket.isPaused).toBe(false);
    await client.close();
  });

  it('terminates a connection that stops answering pings, and @OnClose runs once', async () => {
    const closed: number[] = [];
    @Gateway('/beat', { limits: { pingIntervalMs: 30, pongTimeoutMs: 30 } })
    class BeatGateway {
      @OnMessage('x') x() {}
      @OnClose() gone(_conn: Connection, code: number) {
        closed.push(code);
      }
    }
    app = Fastify();
    await bootstrap(app, [BeatGateway]);
    const base = await listen(app);
    const healthy = await TestClient.open(`${base}/beat`);
    const silent = await TestClient.open(`${base}/beat`, { autoPong: false });
    await expect(silent.closed).resolves.toMatchObject({ code: 1006 });
    await until(() => closed.length === 1);
    expect(closed).toEqual([1006]);
    await expect(healthy.request('x', null, 1)).resolves.toMatchObject({ data: null });
    await healthy.close();
  });

  it('answers rate_limited past the burst and closes with 1008 after sustained abuse', async () => {
    @Gateway('/rate', { limits: { rateBurst: 3, ratePerSecond: 0.01 } })
    class RateGateway {
      @OnMessage('x') x(n: number) {
        return n;
      }
    }
    // Only Date is faked (sockets need real timers); a connection's limiter reads it from its first frame.
    fakeOnly('Date');
    app = Fastify();
    await bootstrap(app, [RateGateway]);
    const client = await TestClient.open(`${await listen(app)}/rate`);
    const replies = [];
    for (let n = 1; n <= 5; n++) replies.push(await client.request('x', n, n));
    expect(replies.map((frame) => frame.event)).toEqual(['x', 'x', 'x', 'error', 'error']);
    expect(replies[4]).toEqual({
      event: 'error',
      data: { code: 'rate_limited', message: expect.any(String) },
      id: 5,
    });
    client.send('garbage');
    await expect(client.next()).resolves.toMatchObject({ data: { code: 'rate_limited' } });
    let now = Date.now();
    for (let i = 0; i < 12 && client.socket.readyState === 1; i++) {
      jest.setSystemTime((now += 900));
      client.send({ event: 'x', data: i, id: `a${i}` });
      await Promise.race([client.reply(`a${i}`), client.closed]);
    }
    await expect(client.closed).resolves.toMatchObject({ code: 1008 });
  });

  it('turns rate limiting off with ratePerSecond: Infinity', async () => {
    @Gateway('/unlimited', { limits: { rateBurst: 1, ratePerSecond: Infinity } })
    class UnlimitedGateway {
      @OnMessage('x') x(n: number) {
        return n;
      }
    }
    app = Fastify();
    await bootstrap(app, [UnlimitedGateway]);
    const client = await TestClient.open(`${await listen(app)}/unlimited`);
    for (let n = 1; n <= 20; n++) client.send({ event: 'x', data: n, id: n });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.reply(i + 1)));
    expect(replies.every((frame) => frame.event === 'x')).toBe(true);
    await client.close();
  });

  it('closes with 1011 when @OnConnect outlives connectTimeoutMs, and @OnClose runs once', async () => {
    const events: string[] = [];
    const late = deferred();
    @Gateway('/hang', { limits: { connectTimeoutMs: 50 } })
    class HangGateway {
      @OnConnect() connect() {
        events.push('connect');
        return late.promise;
      }
      @OnMessage('x') x() {
        events.push('message');
      }
      @OnClose() closed(_conn: Connection, code: number) {
        events.push(`close:${code}`);
      }
    }
    app = Fastify();
    await bootstrap(app, [HangGateway]);
    const client = await TestClient.open(`${await listen(app)}/hang`);
    client.send({ event: 'x', id: 1 });
    await expect(client.closed).resolves.toMatchObject({ code: 1011 });
    await until(() => events.length === 2);
    // An @OnConnect settling after its deadline changes nothing.
    late.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['connect', 'close:1011']);
  });

  it('stops reading while frames wait for a slow @OnConnect, then answers them all', async () => {
    const gate = deferred();
    let conn!: Connection;
    @Gateway('/queue', { limits: { maxInFlight: 1 } })
    class QueueGateway {
      @OnConnect() async connect(connection: Connection) {
        conn = connection;
        await gate.promise;
      }
      @OnMessage('n') n(value: number) {
        return value;
      }
    }
    app = Fastify();
    await bootstrap(app, [QueueGateway]);
    const client = await TestClient.open(`${await listen(app)}/queue`);
    for (let n = 1; n <= 4; n++) client.send({ event: 'n', data: n, id: n });
    await until(() => conn?.socket.isPaused === true, 100000);
    gate.resolve();
    const replies = await Promise.all([1, 2, 3, 4].map((id) => client.reply(id)));
    expect(replies.map((frame) => frame.data)).toEqual([1, 2, 3, 4]);
    expect(conn.socket.isPaused).toBe(false);
    await client.close();
  });

  it('runs @OnClose after a pending @OnConnect when the client leaves meanwhile, or at the deadline', async () => {
    const events: string[] = [];
    const gate = deferred();
    let conn!: Connection;
    @Gateway('/leave', { limits: { connectTimeoutMs: 60_000 } })
    class LeaveGateway {
      @OnConnect() async connect(connection: Connection) {
        conn = connection;
        events.push('connect');
        await gate.promise;
        events.push('connected');
      }
      @OnConnect() second() {
        events.push('second');
      }
      @OnMessage('x') x() {
        events.push('message');
      }
      @OnClose() closed() {
        events.push('close');
      }
    }
    const foreverClosed = deferred();
    @Gateway('/leave-forever', { limits: { connectTimeoutMs: 50 } })
    class ForeverGateway {
      @OnConnect() connect() {
        return new Promise(() => {});
      }
      @OnClose() closed() {
        events.push('forever-close');
        foreverClosed.resolve();
      }
    }
    app = Fastify();
    await bootstrap(app, [LeaveGateway, ForeverGateway]);
    const base = await listen(app);
    const client = await TestClient.open(`${base}/leave`);
    client.send({ event: 'x', id: 1 });
    await until(() => events.length === 1);
    const serverClosed = new Promise((resolve) => conn.socket.once('close', resolve));
    await client.close();
    // The gateway's close listener runs before this one; a turn more covers a deferred @OnClose.
    await serverClosed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['connect']);
    gate.resolve();
    await until(() => events.length === 3);
    expect(events).toEqual(['connect', 'connected', 'close']);

    const forever = await TestClient.open(`${base}/leave-forever`);
    await forever.close();
    // Its @OnClose waits for the 50 ms deadline, longer than a bounded until() may last.
    await foreverClosed.promise;
  });

  it('stops a connection whose frame is too big while @OnConnect runs', async () => {
    const events: string[] = [];
    const gate = deferred();
    @Gateway('/early', { limits: { maxPayload: 100 } })
    class EarlyGateway {
      @OnConnect() async connect() {
        await gate.promise;
      }
      @OnMessage('x') x() {
        events.push('message');
      }
      @OnClose() closed(_c: Connection, code: number) {
        events.push(`close:${code}`);
      }
    }
    @Gateway('/roomy', { limits: { maxPayload: 1000 } })
    class RoomyGateway {}
    app = Fastify();
    await bootstrap(app, [EarlyGateway, RoomyGateway]);
    const client = await TestClient.open(`${await listen(app)}/early`);
    client.send({ event: 'x', id: 1 });
    client.send({ event: 'x', data: 'y'.repeat(200), id: 2 });
    await expect(client.closed).resolves.toMatchObject({ code: 1009 });
    gate.resolve();
    await until(() => events.length === 1);
    expect(events).toEqual(['close:1009']);
  });
});
