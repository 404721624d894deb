/**
 * The 'upgrade' event itself: several encapsulated contexts with the plugin, other upgrade
 * listeners on the same server, and upgrades answered over plain HTTP by whatever answers them.
 * Upstream survives the first two; the sockets it leaks are ours-only fixes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  WARN_LEVEL,
  closesWithin,
  nextMessage,
  openClient,
  readUntilClosed,
  recordLogs,
  serverSockets,
} from './clients';
import { listen, portOf, rawUpgrade } from '../support/network';
import { fastifyWebsocket, testOursOnly } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

/** A context under `prefix` with its own plugin, an async route hook and one websocket route. */
function contextWithPlugin(prefix: string) {
  return async (instance: FastifyInstance) => {
    await instance.register(fastifyWebsocket);
    instance.get(
      '/ws',
      {
        websocket: true,
        onRequest: async () => {
          await new Promise<void>((resolve) => setImmediate(resolve));
        },
      },
      (socket) => socket.send(`served by ${prefix}`),
    );
  };
}

describe('several contexts register the plugin', () => {
  test('two sibling contexts with an async route hook each serve their own routes', async () => {
    app = Fastify({ logger: false });
    await app.register(contextWithPlugin('/a'), { prefix: '/a' });
    await app.register(contextWithPlugin('/b'), { prefix: '/b' });
    const url = await listen(app);
    const [a, b] = await Promise.all([openClient(`${url}/a/ws`), openClient(`${url}/b/ws`)]);
    expect(await nextMessage(a)).toBe('served by /a');
    expect(await nextMessage(b)).toBe('served by /b');
    a.terminate();
    b.terminate();
  });

  testOursOnly('they share one upgrade listener, removed on close', async () => {
    app = Fastify();
    const before = app.server.listenerCount('upgrade');
    await app.register(contextWithPlugin('/a'), { prefix: '/a' });
    await app.register(contextWithPlugin('/b'), { prefix: '/b' });
    await app.ready();
    expect(app.server.listenerCount('upgrade')).toBe(before + 1);
    await app.close();
    expect(app.server.listenerCount('upgrade')).toBe(before);
  });
});

describe('another upgrade listener on the same server', () => {
  test('one that holds the socket for its own response: left alone, logged at warn', async () => {
    const { logger, lines } = recordLogs();
    app = Fastify({ logger });
    app.server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
      if (request.url !== '/teapot') return;
      const response = new ServerResponse(request);
      response.assignSocket(socket as never);
      setImmediate(() => response.writeHead(418, { connection: 'close' }).end(() => socket.end()));
    });
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, (socket) => socket.send('still serving'));
    const url = await listen(app);
    const text = await readUntilClosed(
      (await rawUpgrade(portOf(app), '/teapot', { upgraded: false })).socket,
    );
    expect(text).toMatch(/^HTTP\/1\.1 418 /);
    expect(lines.some((line) => line.level === WARN_LEVEL)).toBe(true);
    const ws = await openClient(`${url}/ws`);
    expect(await nextMessage(ws)).toBe('still serving');
    ws.terminate();
  });

  testOursOnly('a ws server that completed the handshake keeps its socket', async () => {
    const { logger, lines } = recordLogs();
    app = Fastify({ logger });
    const other = new WebSocketServer({ noServer: true });
    other.on('connection', (socket) => socket.on('message', (data) => socket.send(`raw ${data}`)));
    app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (request.url === '/raw') {
        other.handleUpgrade(request, socket, head, (ws) => other.emit('connection', ws));
      }
    });
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, (socket) => socket.send('plugin route'));
    const url = await listen(app);
    const raw = await openClient(`${url}/raw`);
    raw.send('hello');
    expect(await nextMessage(raw)).toBe('raw hello');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: WARN_LEVEL,
        msg: 'websocket upgrade left alone: another upgrade listener already took it',
      }),
    );
    const ws = await openClient(`${url}/ws`);
    expect(await nextMessage(ws)).toBe('plugin route');
    raw.terminate();
    ws.terminate();
    other.close();
  });
});

test('an upgrade on a keep-alive connection that already carried HTTP responses', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  app.route({
    method: 'GET',
    url: '/ws',
    handler: async () => 'http',
    wsHandler: (socket) => socket.close(),
  });
  await listen(app);
  const socket = netConnect(portOf(app), '127.0.0.1');
  const received = (until: string) =>
    new Promise<string>((resolve) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (!text.includes(until)) return;
        socket.removeListener('data', onData);
        resolve(text);
      };
      socket.on('data', onData);
    });
  socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  expect(await received('http')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  socket.write(
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  expect(await received('\r\n\r\n')).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
  socket.destroy();
});

describe('an upgrade answered over plain HTTP ends with its socket closed', () => {
  /** Sends a raw upgrade, reads the answer until the server closes, checks nothing stays open. */
  async function refusedAndClosed(path: string): Promise<string> {
    const sockets = serverSockets(app);
    await listen(app);
    const text = await readUntilClosed(
      (await rawUpgrade(portOf(app), path, { upgraded: false })).socket,
    );
    await sockets.allClosed();
    expect(sockets.count()).toBe(1);
    expect(await sockets.open()).toBe(0);
    await closesWithin(app, 2_000);
    return text;
  }

  testOursOnly('by an app-wide onRequest hook registered before the plugin (401)', async () => {
    app = Fastify();
    app.addHook('onRequest', async (_request, reply) => reply.code(401).send('who are you?'));
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, () => {});
    const text = await refusedAndClosed('/ws');
    expect(text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(text.endsWith('who are you?')).toBe(true);
  });

  testOursOnly("by Fastify's own 400 for a bad percent-encoded URL", async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    app.get('/ws/:name', { websocket: true }, () => {});
    const text = await refusedAndClosed('/ws/%E0%A4%A');
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('FST_ERR_BAD_URL');
  });

  test('by the 404 handler', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, () => {});
    expect(await refusedAndClosed('/nowhere')).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  testOursOnly('by an HTTP route of a context without the plugin', async () => {
    app = Fastify();
    app.get('/plain', async () => 'plain http');
    await app.register(async (child) => {
      await child.register(fastifyWebsocket);
      child.get('/ws', { websocket: true }, () => {});
    });
    const text = await refusedAndClosed('/plain');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('plain http')).toBe(true);
  });
});
