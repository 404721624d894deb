/**
 * The plugin's errorHandler (handler failures, socket errors, ws protocol errors) and the
 * `options` passed to ws.Server.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebSocketStream, type WebSocket } from 'ws';
import {
  closed,
  ERROR_LEVEL,
  inject,
  nextMessage,
  openClient,
  recordLogs,
  responseHead,
} from './clients';
import { listen, portOf, rawUpgrade } from '../support/network';
import { fastifyWebsocket } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

interface ErrorCall {
  error: Error & { code?: string };
  socket: WebSocket;
  request: FastifyRequest;
  reply: FastifyReply;
  self: unknown;
}

/** An app whose errorHandler records its calls and terminates the socket. */
async function appRecordingErrors(): Promise<{ errors: Promise<ErrorCall> }> {
  app = Fastify();
  let report!: (call: ErrorCall) => void;
  const errors = new Promise<ErrorCall>((resolve) => (report = resolve));
  await app.register(fastifyWebsocket, {
    errorHandler(error, socket, request, reply) {
      report({ error, socket, request, reply, self: this });
      socket.terminate();
    },
  });
  return { errors };
}

/** A masked client text frame with RSV2 set, which ws must refuse. */
function frameWithRsv2(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]);
  return Buffer.concat([Buffer.from([0x80 | 0x20 | 0x1, 0x80 | payload.length]), mask, masked]);
}

describe('errorHandler', () => {
  test('a handler that throws: errorHandler(error, socket, request, reply), this = instance', async () => {
    const { errors } = await appRecordingErrors();
    let child!: FastifyInstance;
    let handlerSocket!: WebSocket;
    await app.register(async (instance) => {
      child = instance;
      instance.get('/ws', { websocket: true }, (socket) => {
        handlerSocket = socket;
        throw new Error('handler failed');
      });
    });
    const url = await listen(app);
    const ws = await openClient(`${url}/ws?q=1`);
    const call = await errors;
    expect(call.error.message).toBe('handler failed');
    expect(call.socket).toBe(handlerSocket);
    expect(call.request.url).toBe('/ws?q=1');
    expect(call.request.ws).toBe(true);
    expect(call.reply.sent).toBe(true);
    expect(call.self).toBe(child);
    expect((await closed(ws)).code).toBe(1006);
  });

  test('an async handler that rejects goes to errorHandler too', async () => {
    const { errors } = await appRecordingErrors();
    app.get('/ws', { websocket: true }, async () => {
      await Promise.resolve();
      throw new Error('async handler failed');
    });
    const url = await listen(app);
    const ws = await openClient(`${url}/ws`);
    expect((await errors).error.message).toBe('async handler failed');
    ws.terminate();
  });

  test('the default errorHandler logs at error level and terminates (peer sees 1006)', async () => {
    const { logger, lines } = recordLogs();
    app = Fastify({ logger });
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, () => {
      throw new Error('boom');
    });
    const url = await listen(app);
    const ws = await openClient(`${url}/ws`);
    expect((await closed(ws)).code).toBe(1006);
    const errorLines = lines.filter((line) => line.level === ERROR_LEVEL);
    expect(errorLines).toEqual([
      expect.objectContaining({
        reqId: expect.any(String),
        err: expect.objectContaining({ message: 'boom' }),
      }),
    ]);
  });

  test("ws protocol errors (RSV2 set) reach errorHandler and the handler's listeners", async () => {
    const { errors } = await appRecordingErrors();
    let userSaw!: (code: string) => void;
    const userListener = new Promise<string>((resolve) => (userSaw = resolve));
    app.get('/ws', { websocket: true }, (socket) => {
      socket.on('error', (error: Error & { code: string }) => userSaw(error.code));
    });
    await listen(app);
    const raw = (await rawUpgrade(portOf(app), '/ws', { upgraded: false })).socket;
    expect(await responseHead(raw)).toMatch(/^HTTP\/1\.1 101 /);
    raw.on('error', () => {});
    raw.write(frameWithRsv2('hi'));
    const call = await errors;
    expect(call.error.code).toBe('WS_ERR_UNEXPECTED_RSV_2_3');
    expect(call.error.message).toBe('Invalid WebSocket frame: RSV2 and RSV3 must be clear');
    expect(await userListener).toBe('WS_ERR_UNEXPECTED_RSV_2_3');
    raw.destroy();
  });

  test('a message over maxPayload: errorHandler gets WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, peer 1009', async () => {
    app = Fastify();
    const codes: string[] = [];
    await app.register(fastifyWebsocket, {
      options: { maxPayload: 16 },
      errorHandler: (error: Error & { code?: string }) => void codes.push(error.code!),
    });
    app.get('/ws', { websocket: true }, () => {});
    const url = await listen(app);
    const ws = await openClient(`${url}/ws`);
    const done = closed(ws);
    ws.send('x'.repeat(17));
    expect((await done).code).toBe(1009);
    expect(codes).toEqual(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH']);
  });
});

describe('ws.Server options', () => {
  test('README verifyClient: a refused client gets 401, an accepted one connects', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, {
      options: {
        verifyClient(info, next) {
          next(info.req.headers['x-fastify-header'] === 'fastify is awesome !');
        },
      },
    });
    app.get('/', { websocket: true }, (socket) => socket.send('verified'));
    const url = await listen(app);
    await expect(openClient(url)).rejects.toThrow('Unexpected server response: 401');
    const ws = await openClient(url, { headers: { 'x-fastify-header': 'fastify is awesome !' } });
    expect(await nextMessage(ws)).toBe('verified');
    ws.terminate();
  });

  test('handleProtocols chooses the subprotocol', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, {
      options: { handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false) },
    });
    app.get('/ws', { websocket: true }, (socket) => socket.send(socket.protocol));
    const url = await listen(app);
    const ws = await openClient(`${url}/ws`, {}, ['chat.v1', 'chat.v2']);
    expect(ws.protocol).toBe('chat.v2');
    expect(await nextMessage(ws)).toBe('chat.v2');
    ws.terminate();
  });

  test('perMessageDeflate is negotiated when enabled, off by default', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { perMessageDeflate: true } });
    app.get('/ws', { websocket: true }, (socket) => socket.send('y'.repeat(1000)));
    const url = await listen(app);
    const ws = await openClient(`${url}/ws`);
    expect(ws.extensions).toContain('permessage-deflate');
    expect(await nextMessage(ws)).toBe('y'.repeat(1000));
    ws.terminate();
    await app.close();

    app = Fastify();
    await app.register(fastifyWebsocket);
    app.get('/ws', { websocket: true }, () => {});
    const plain = await openClient(`${await listen(app)}/ws`);
    expect(plain.extensions).toBe('');
    plain.terminate();
  });

  test('clientTracking: false leaves websocketServer.clients undefined; close still works', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { clientTracking: false } });
    app.get('/ws', { websocket: true }, () => {});
    await app.ready();
    const ws = await inject(app, '/ws');
    expect(app.websocketServer.clients).toBeUndefined();
    ws.terminate();
    await expect(app.close()).resolves.toBeUndefined();
  });

  test('options.server: upgrades of that server are routed through Fastify', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { server: other } });
    app.get('/ws', { websocket: true }, (socket, request) => socket.send(`via ${request.url}`));
    await app.ready();
    expect(other.listenerCount('upgrade')).toBe(1);
    const { port } = other.address() as AddressInfo;
    const ws = await openClient(`ws://127.0.0.1:${port}/ws`);
    expect(await nextMessage(ws)).toBe('via /ws');
    const done = closed(ws);
    await app.close();
    await done;
    expect(other.listenerCount('upgrade')).toBe(0);
    await new Promise((resolve) => other.close(resolve));
  });
});

test('README: ws.createWebSocketStream over the handler socket', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  app.get('/', { websocket: true }, (socket) => {
    const stream = createWebSocketStream(socket);
    stream.setEncoding('utf8');
    stream.write('hello client');
    stream.on('data', (data: string) => stream.write(data.toUpperCase()));
  });
  await app.ready();
  const ws = await inject(app, '/');
  expect(await nextMessage(ws)).toBe('hello client');
  ws.send('shout');
  expect(await nextMessage(ws)).toBe('SHOUT');
  ws.terminate();
});
