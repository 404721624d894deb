import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  Gateway,
  OnClose,
  OnConnect,
  OnMessage,
  ConnectedSocket,
  CloseCode,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { deferred, until } from '../support/waiting';

describe('connection lifecycle', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('queues frames sent during a slow async @OnConnect and answers all of them in order', async () => {
    const order: string[] = [];
    const gate = deferred();
    const allArrived = deferred();
    let received = 0;
    @Gateway('/slow')
    class SlowGateway {
      @OnConnect() async connect(conn: Connection) {
        order.push('connect:start');
        // Counted after the gateway's own listener: proves the frames reached the server
        // while @OnConnect was still pending.
        conn.socket.on('message', () => {
          if (++received === 5) allArrived.resolve();
        });
        await gate.promise;
        order.push('connect:end');
      }
      @OnMessage('n') n(body: { n: number }) {
        order.push(`n${body.n}`);
        return body.n * 10;
      }
    }
    app = Fastify();
    await bootstrap(app, [SlowGateway]);
    const base = await listen(app);
    const client = await TestClient.open(`${base}/slow`);
    for (let n = 1; n <= 5; n++) client.send({ event: 'n', data: { n }, id: n });
    await allArrived.promise;
    expect(order).toEqual(['connect:start']);
    gate.resolve();
    const replies = await Promise.all([1, 2, 3, 4, 5].map((id) => client.reply(id)));
    expect(replies.map((frame) => frame.data)).toEqual([10, 20, 30, 40, 50]);
    expect(client.unread).toEqual([]);
    expect(order).toEqual(['connect:start', 'connect:end', 'n1', 'n2', 'n3', 'n4', 'n5']);
    await client.close();
  });

  it('closes with 1011 when @OnConnect throws, runs no message handler and still runs @OnClose', async () => {
    const seen: string[] = [];
    @Gateway('/broken')
    class BrokenGateway {
      @OnConnect() async connect() {
        await Promise.resolve();
        throw new Error('database down');
      }
      @OnMessage('ping') ping() {
        seen.push('ping');
        return 'pong';
      }
      @OnClose() closed(@ConnectedSocket() conn: Connection, code: number) {
        seen.push(`close:${code}:${typeof conn.id}`);
      }
    }
    app = Fastify({ logger: false });
    await bootstrap(app, [BrokenGateway]);
    const base = await listen(app);
    const client = await TestClient.open(`${base}/broken`);
    client.send({ event: 'ping', id: 1 });
    const { code } = await client.closed;
    expect(code).toBe(CloseCode.InternalError);
    await until(() => seen.length > 0);
    expect(seen).toEqual(['close:1011:string']);
  });

  it('refuses the upgrade with 401 from a preValidation hook before @OnConnect runs', async () => {
    const connect = jest.fn();
    @Gateway('/private', {
      hooks: {
        preValidation: async (request, reply: FastifyReply) => {
          if (request.headers.authorization !== 'Bearer ok') await reply.code(401).send();
        },
      },
    })
    class PrivateGateway {
      @OnConnect() connect() {
        connect();
      }
      @OnMessage('who') who() {
        return 'me';
      }
    }
    app = Fastify();
    await bootstrap(app, [PrivateGateway]);
    await app.ready();
    await expect(app.injectWS('/private')).rejects.toThrow('Unexpected server response: 401');
    expect(connect).not.toHaveBeenCalled();
    const socket = await app.injectWS('/private', { headers: { authorization: 'Bearer ok' } });
    const reply = new Promise((resolve) =>
      socket.once('message', (m) => resolve(JSON.parse(String(m)))),
    );
    socket.send(JSON.stringify({ event: 'who', id: 1 }));
    await expect(reply).resolves.toEqual({ event: 'who', data: 'me', id: 1 });
    expect(connect).toHaveBeenCalledTimes(1);
    socket.terminate();
  });

  it('closes with 1011 when @OnConnect throws synchronously, and logs @OnClose failures without crashing', async () => {
    const lines: string[] = [];
    @Gateway('/sync-throw')
    class SyncThrowGateway {
      @OnConnect() connect() {
        throw new Error('refused');
      }
      @OnClose() async closed() {
        throw new Error('close failed');
      }
    }
    app = Fastify({
      logger: { level: 'error', stream: { write: (line: string) => lines.push(line) } },
    });
    await bootstrap(app, [SyncThrowGateway]);
    const client = await TestClient.open(`${await listen(app)}/sync-throw`);
    await expect(client.closed).resolves.toMatchObject({ code: 1011 });
    await until(() => lines.some((line) => line.includes('close failed')));
    expect(lines.join('')).toContain('SyncThrowGateway.connect threw; closing with 1011');
    expect(lines.join('')).toContain('SyncThrowGateway.closed threw');
  });
});
