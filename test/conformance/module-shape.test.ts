/**
 * The module and registration contract: what `require()` returns, the plugin name other
 * plugins depend on, option validation with upstream's exact messages.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createWebSocketStream as wsCreateWebSocketStream, WebSocketServer } from 'ws';
import { recordLogs, WARN_LEVEL } from './clients';
import { fastifyWebsocket, testOursOnly } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('module shape', () => {
  test('module.exports is the plugin, and .default and .fastifyWebsocket point to it', () => {
    expect(typeof fastifyWebsocket).toBe('function');
    expect(fastifyWebsocket.default).toBe(fastifyWebsocket);
    expect(fastifyWebsocket.fastifyWebsocket).toBe(fastifyWebsocket);
  });

  test('it is registered under the name @fastify/websocket (fastify-plugin metadata)', () => {
    const meta = (fastifyWebsocket as unknown as Record<symbol, { name: string }>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta.name).toBe('@fastify/websocket');
  });

  testOursOnly('createWebSocketStream is re-exported from ws', () => {
    expect(fastifyWebsocket.createWebSocketStream).toBe(wsCreateWebSocketStream);
  });
});

describe('registration', () => {
  test('a plugin that declares @fastify/websocket as a dependency accepts it', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    const dependent = fp(async () => {}, {
      name: 'needs-ws',
      dependencies: ['@fastify/websocket'],
    });
    await expect(app.register(dependent)).resolves.toBeDefined();
  });

  test('decorates the instance with websocketServer (a ws.Server) and injectWS', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    expect(app.websocketServer).toBeInstanceOf(WebSocketServer);
    expect(typeof app.injectWS).toBe('function');
    expect(app.hasRequestDecorator('ws')).toBe(true);
  });

  test('registering it twice fails: the second run throws the duplicate decorator error', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    // Through register() the throw escapes avvio (both plugins); calling the plugin shows it.
    const next = jest.fn();
    expect(() => fastifyWebsocket(app, {}, next)).toThrow(
      expect.objectContaining({
        code: 'FST_ERR_DEC_ALREADY_PRESENT',
        message: "The decorator 'ws' has already been added!",
      }),
    );
    expect(next).not.toHaveBeenCalled();
  });

  test('an errorHandler that is not a function: "invalid errorHandler function"', async () => {
    app = Fastify();
    app.register(fastifyWebsocket, { errorHandler: 'nope' as never });
    await expect(app.listen({ port: 0 })).rejects.toThrow(
      new Error('invalid errorHandler function'),
    );
  });

  test('a preClose that is not a function: "invalid preClose function"', async () => {
    app = Fastify();
    await expect(app.register(fastifyWebsocket, { preClose: 42 as never })).rejects.toThrow(
      new Error('invalid preClose function'),
    );
  });

  test('options.noServer is refused', async () => {
    app = Fastify();
    await expect(app.register(fastifyWebsocket, { options: { noServer: true } })).rejects.toThrow(
      "fastify-websocket doesn't support the ws noServer option. If you want to create a websocket server detatched from fastify, use the ws library directly.",
    );
  });

  test("options.path logs upstream's warning", async () => {
    const { logger, lines } = recordLogs();
    app = Fastify({ logger });
    await app.register(fastifyWebsocket, { options: { path: '/ws' } as never });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: WARN_LEVEL,
        msg: "ws server path option shouldn't be provided, use a route instead",
      }),
    );
  });

  // Intentional difference: upstream passes `path` on to ws, which then answers 400 to
  // upgrades of every other route; ours ignores it, as the warning says to route instead.
  testOursOnly('options.path is ignored: routes other than path still upgrade', async () => {
    app = Fastify({ logger: false });
    await app.register(fastifyWebsocket, { options: { path: '/ignored' } as never });
    app.get('/ws', { websocket: true }, (socket) => socket.send('routed'));
    await app.ready();
    const ws = await app.injectWS('/ws');
    await expect(new Promise((r) => ws.once('message', (d) => r(String(d))))).resolves.toBe(
      'routed',
    );
    ws.terminate();
  });

  test('options are passed to ws.Server', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { maxPayload: 1234, clientTracking: false } });
    expect(app.websocketServer.options).toMatchObject({ maxPayload: 1234, clientTracking: false });
    expect(app.websocketServer.clients).toBeUndefined();
  });
});
