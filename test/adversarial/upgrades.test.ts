/**
 * Attacks on the upgrade itself, before any websocket exists: crashing the process, leaking
 * refused sockets, exhausting connections, hijacking from another site, holding an upgrade
 * open through a hook that never ends. Real server, raw TCP where a library would refuse.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnConnect,
  OnMessage,
  bootstrap,
  type Connection,
} from '../../src';
import { rawUpgradeAnswer } from './support/raw-socket';
import { Tally } from './support/tally';
import { TestClient, uniqueId } from '../support/test-client';
import { within } from '../support/waiting';

const FLOOD = 100;

@Gateway('/echo')
class EchoGateway {
  @OnMessage('echo') echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

/** A real server on port 0 whose server-side sockets are all recorded. */
async function serve(app: FastifyInstance) {
  const sockets: Socket[] = [];
  app.server.on('connection', (socket: Socket) => sockets.push(socket));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `ws://127.0.0.1:${port}${path}`,
    host: `127.0.0.1:${port}`,
    /** Every server-side socket closed, and the server counts none open. */
    async expectNoSocketLeft() {
      await within(
        Promise.all(
          sockets.map((s) => (s.destroyed ? 0 : new Promise((done) => s.once('close', done)))),
        ),
        5_000,
        'server-side sockets closed',
      );
      const open = await new Promise<number>((resolve) =>
        app.server.getConnections((_error, count) => resolve(count)),
      );
      expect(open).toBe(0);
    },
    /** app.close() must not hang on anything a refused client left behind. */
    closePromptly: () => within(app.close(), 2_000, 'app.close()'),
  };
}

/** Proves the server still answers: a fresh echo client round trip. */
async function expectEcho(url: string): Promise<void> {
  const client = await TestClient.open(url);
  expect((await client.request('echo', 'still here', uniqueId(), 1_000)).data).toBe('still here');
  await client.close();
}

describe('upgrades', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it(`${FLOOD} concurrent upgrades to two sibling bootstrap() contexts with async hooks: no crash`, async () => {
    app = Fastify({ logger: false });
    for (const prefix of ['/left', '/right']) {
      await app.register(
        async (context) => {
          context.addHook('onRequest', async () => {
            await new Promise<void>((resolve) => setImmediate(resolve));
          });
          await bootstrap(context, [EchoGateway]);
        },
        { prefix },
      );
    }
    const server = await serve(app);
    const clients = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        TestClient.open(server.url(i % 2 ? '/left/echo' : '/right/echo')),
      ),
    );
    const replies = await Promise.all(clients.map((client, i) => client.request('echo', i)));
    expect(replies.map((reply) => reply.data)).toEqual(clients.map((_, i) => i));
    await Promise.all(clients.map((client) => client.close()));
  });

  it('an upgrade another listener answered is left alone; the server lives on', async () => {
    app = Fastify({ logger: false });
    app.server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
      if (request.url !== '/elsewhere') return;
      const response = new ServerResponse(request);
      response.assignSocket(socket as never);
      setImmediate(() => response.writeHead(410, { connection: 'close' }).end(() => socket.end()));
    });
    await bootstrap(app, [EchoGateway]);
    const server = await serve(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        rawUpgradeAnswer(server.port, '/elsewhere', { Host: server.host }),
      ),
    );
    expect(answers.every((text) => text.startsWith('HTTP/1.1 410 '))).toBe(true);
    await expectEcho(server.url('/echo'));
  });

  it(`${FLOOD} refused upgrades (401 from an app-wide hook, bad URLs, 404s) leave no socket open`, async () => {
    app = Fastify({ logger: false });
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'secret') await reply.code(401).send();
    });
    @Gateway('/rooms/:room')
    class RoomGateway {}
    await bootstrap(app, [RoomGateway]);
    const server = await serve(app);
    const paths = ['/rooms/a', '/rooms/%E0%A4%A', '/nowhere'];
    const answers = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        rawUpgradeAnswer(server.port, paths[i % paths.length], { Host: server.host }),
      ),
    );
    const statuses = new Set(answers.map((text) => text.slice(9, 12)));
    expect([...statuses].sort()).toEqual(['400', '401']);
    await server.expectNoSocketLeft();
    await server.closePromptly();
  });

  it('connections beyond maxConnections get 503 before any socket exists', async () => {
    const connects = new Tally<string>();
    const MAX = 20;
    @Gateway('/capped', { limits: { maxConnections: MAX } })
    class CappedGateway {
      @OnConnect() joined(@ConnectedSocket() conn: Connection): void {
        connects.add(conn.id);
      }
    }
    app = Fastify({ logger: false });
    await bootstrap(app, [CappedGateway, EchoGateway]);
    const server = await serve(app);
    const attempts = Array.from({ length: MAX * 3 }, () => new TestClient(server.url('/capped')));
    const outcomes = await Promise.allSettled(attempts.map((client) => client.opened));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.length - refused.length).toBe(MAX);
    expect(
      refused.every((outcome) =>
        String(outcome.reason).includes('Unexpected server response: 503'),
      ),
    ).toBe(true);
    expect(connects.items).toHaveLength(MAX);
    await expectEcho(server.url('/echo'));
    attempts.forEach((client) => client.socket.terminate());
  });

  it('a page on another site cannot open a socket by default (no allowedOrigins)', async () => {
    const connects = new Tally<string>();
    @Gateway('/private')
    class PrivateGateway {
      @OnConnect() joined(@ConnectedSocket() conn: Connection): void {
        connects.add(conn.id);
      }
    }
    app = Fastify({ logger: false });
    await bootstrap(app, [PrivateGateway]);
    const server = await serve(app);
    for (const origin of ['https://evil.example', 'null', `http://${server.host}.evil.example`]) {
      const foreign = new TestClient(server.url('/private'), { origin });
      await expect(foreign.opened).rejects.toThrow('Unexpected server response: 403');
    }
    expect(connects.items).toHaveLength(0);
    const own = await TestClient.open(server.url('/private'), { origin: `http://${server.host}` });
    await own.close();
  });

  it(`${FLOOD} upgrades held by a hook that never resolves are answered 503 within connectTimeoutMs`, async () => {
    @Gateway('/stuck', {
      limits: { connectTimeoutMs: 300 },
      hooks: { preValidation: () => new Promise<void>(() => {}) },
    })
    class StuckGateway {}
    app = Fastify({ logger: false });
    await bootstrap(app, [StuckGateway]);
    const server = await serve(app);
    const answers = await within(
      Promise.all(
        Array.from({ length: FLOOD }, () =>
          rawUpgradeAnswer(server.port, '/stuck', { Host: server.host }),
        ),
      ),
      10_000,
      'every stuck upgrade answered',
    );
    expect(answers.every((text) => text.startsWith('HTTP/1.1 503 '))).toBe(true);
    await server.expectNoSocketLeft();
    await server.closePromptly();
  });
});
