/**
 * Fastify's request lifecycle for upgrades: every hook before the handshake runs and may
 * refuse it with an HTTP status; errors before the upgrade use Fastify's own error path.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  ERROR_LEVEL,
  inject,
  nextMessage,
  openClient,
  readUntilClosed,
  recordLogs,
  responseHead,
} from './clients';
import { listen, portOf, rawUpgrade } from '../support/network';
import { fastifyWebsocket } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appWithPlugin(options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  app = Fastify(options);
  await app.register(fastifyWebsocket);
  return app;
}

test('onRequest, preParsing, preValidation and preHandler run, in order, before the handler', async () => {
  await appWithPlugin();
  const calls: string[] = [];
  app.addHook('onRequest', (request, _reply, done) => {
    calls.push(`onRequest:${request.ws}`);
    done();
  });
  app.addHook('preParsing', async (_request, _reply, payload) => {
    calls.push('preParsing');
    return payload;
  });
  app.addHook('preValidation', async () => void calls.push('preValidation'));
  app.addHook('preHandler', (_request, _reply, done) => {
    calls.push('preHandler');
    done();
  });
  app.addHook('preSerialization', async (_request, _reply, payload) => {
    calls.push('preSerialization');
    return payload;
  });
  app.addHook('onSend', async () => void calls.push('onSend'));
  app.get('/ws', { websocket: true }, (socket) => {
    calls.push('handler');
    socket.send('ok');
  });
  await app.ready();
  const ws = await inject(app, '/ws');
  expect(await nextMessage(ws)).toBe('ok');
  // preSerialization and onSend belong to HTTP responses, which an upgrade never sends.
  expect(calls).toEqual(['onRequest:true', 'preParsing', 'preValidation', 'preHandler', 'handler']);
  ws.terminate();
});

test('route-level hooks run for upgrades too', async () => {
  await appWithPlugin();
  const calls: string[] = [];
  app.get(
    '/ws',
    {
      websocket: true,
      onRequest: async () => void calls.push('route onRequest'),
      preHandler: async () => void calls.push('route preHandler'),
    },
    (socket) => socket.send(calls.join(',')),
  );
  await app.ready();
  const ws = await inject(app, '/ws');
  expect(await nextMessage(ws)).toBe('route onRequest,route preHandler');
  ws.terminate();
});

describe('a hook that answers refuses the upgrade with its HTTP status', () => {
  function refuseWithout401(): { handler: jest.Mock; calls: string[]; responded: Promise<void> } {
    const handler = jest.fn();
    const calls: string[] = [];
    app.addHook('preValidation', async (request, reply) => {
      if (request.headers['api-key'] !== 'some-random-key') {
        await reply.code(401).send('not authenticated');
      }
    });
    app.addHook('onSend', async (_request, reply) => void calls.push(`onSend:${reply.statusCode}`));
    const responded = new Promise<void>((resolve) =>
      app.addHook('onResponse', async (request, reply) => {
        calls.push(`onResponse:${reply.statusCode}:${request.ws}`);
        resolve();
      }),
    );
    app.get('/', { websocket: true }, (socket) => {
      handler();
      socket.on('message', () => socket.send('hi from server'));
    });
    return { handler, calls, responded };
  }

  test('injectWS rejects with a plain Error "Unexpected server response: 401"', async () => {
    const { logger, lines } = recordLogs();
    await appWithPlugin({ logger });
    const { handler, calls } = refuseWithout401();
    await app.ready();
    const refusal = await app.injectWS('/').catch((error: unknown) => error);
    expect(refusal).toEqual(new Error('Unexpected server response: 401'));
    expect(Object.getPrototypeOf(refusal)).toBe(Error.prototype);
    expect(handler).not.toHaveBeenCalled();
    expect(calls[0]).toBe('onSend:401');
    // Refusing an upgrade is an ordinary response, never an error-level log line.
    expect(lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });

  test('README testing example: the right api-key gets through', async () => {
    await appWithPlugin();
    refuseWithout401();
    await app.ready();
    const ws = await inject(app, '/', { headers: { 'api-key': 'some-random-key' } });
    const reply = nextMessage(ws);
    ws.send('hi from client');
    expect(await reply).toBe('hi from server');
    ws.terminate();
  });

  test('a real ws client gets the status, onSend and onResponse run, the socket is closed', async () => {
    await appWithPlugin();
    const { calls, responded } = refuseWithout401();
    const url = await listen(app);
    await expect(openClient(url)).rejects.toThrow('Unexpected server response: 401');
    await responded;
    expect(calls).toEqual(['onSend:401', 'onResponse:401:true']);
    const raw = (await rawUpgrade(portOf(app), '/', { upgraded: false })).socket;
    const text = await readUntilClosed(raw);
    expect(text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(text.endsWith('not authenticated')).toBe(true);
  });

  test('an onRequest hook can refuse too', async () => {
    await appWithPlugin();
    app.addHook('onRequest', (_request, reply, done) => {
      reply.code(403).send();
      done();
    });
    app.get('/ws', { websocket: true }, () => {});
    await app.ready();
    await expect(app.injectWS('/ws')).rejects.toThrow('Unexpected server response: 403');
  });
});

test('a hook that throws goes through onError and the Fastify error handler (500)', async () => {
  await appWithPlugin({ logger: false });
  const onError = jest.fn();
  const errorHandler = jest.fn();
  app.addHook('onError', async (_request, _reply, error) => onError(error.message));
  app.setErrorHandler((error, _request, reply) => {
    errorHandler((error as Error).message);
    reply.code(500).send('failed');
  });
  app.addHook('preHandler', async () => {
    throw new Error('hook failed');
  });
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  await expect(app.injectWS('/ws')).rejects.toThrow('Unexpected server response: 500');
  expect(errorHandler).toHaveBeenCalledWith('hook failed');
  expect(onError).toHaveBeenCalledWith('hook failed');
});

test('onTimeout runs for an upgrade whose hooks outlast connectionTimeout', async () => {
  app = Fastify({ connectionTimeout: 100 });
  await app.register(fastifyWebsocket);
  let releaseHook!: () => void;
  const hookStarted = new Promise<void>((started) =>
    app.addHook('preValidation', async () => {
      started();
      await new Promise<void>((release) => (releaseHook = release));
    }),
  );
  const timedOut = new Promise<boolean>((resolve) =>
    app.addHook('onTimeout', async (request) => resolve(request.ws)),
  );
  app.get('/ws', { websocket: true }, (socket) => socket.send('late but open'));
  const url = await listen(app);
  const opening = openClient(`${url}/ws`);
  await hookStarted;
  expect(await timedOut).toBe(true);
  releaseHook();
  const ws = await opening;
  expect(await nextMessage(ws)).toBe('late but open');
  ws.terminate();
});

test('a client reset while an async hook runs does not crash the server', async () => {
  await appWithPlugin({ logger: false });
  let releaseHook!: () => void;
  const hookStarted = new Promise<void>((started) =>
    app.addHook('preValidation', async (request) => {
      if (request.headers['x-slow'] === undefined) return;
      started();
      await new Promise<void>((release) => (releaseHook = release));
    }),
  );
  app.get('/ws', { websocket: true }, (socket) => socket.send('alive'));
  const url = await listen(app);
  const port = portOf(app);
  const { socket: raw } = await rawUpgrade(port, '/ws', {
    headers: { host: `127.0.0.1:${port}`, 'x-slow': '1' },
    upgraded: false,
  });
  await hookStarted;
  const gone = new Promise((resolve) => raw.once('close', resolve));
  raw.resetAndDestroy();
  await gone;
  releaseHook();
  // The process is still up (jest fails on an uncaught error) and still serves.
  const ws = await openClient(`${url}/ws`);
  expect(await nextMessage(ws)).toBe('alive');
  ws.terminate();
});

test('a socket error while hooks run destroys that socket instead of crashing', async () => {
  await appWithPlugin({ logger: false });
  let destroyed: boolean | undefined;
  app.addHook('onRequest', async (request) => {
    const socket = request.raw.socket;
    // Node removed its own error listener before 'upgrade'; an unguarded emit would throw.
    socket.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    destroyed = socket.destroyed;
  });
  app.get('/ws', { websocket: true }, () => {});
  await listen(app);
  const raw = (await rawUpgrade(portOf(app), '/ws', { upgraded: false })).socket;
  expect(await readUntilClosed(raw)).toBe('');
  expect(destroyed).toBe(true);
});

test('an upgrade request without a Host header works', async () => {
  await appWithPlugin();
  app.get('/ws', { websocket: true }, (socket) => socket.send('no host needed'));
  await listen(app);
  const raw = (await rawUpgrade(portOf(app), '/ws', { headers: {}, upgraded: false })).socket;
  const head = await responseHead(raw);
  expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
  raw.destroy();
});

test('an upgrade while the server is closing gets 503 from Fastify', async () => {
  let releaseClose!: () => void;
  let closing!: () => void;
  const isClosing = new Promise<void>((resolve) => (closing = resolve));
  app = Fastify();
  await app.register(fastifyWebsocket, {
    preClose(done) {
      closing();
      releaseClose = done;
    },
  });
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  const closed = app.close();
  await isClosing;
  await expect(app.injectWS('/ws')).rejects.toThrow('Unexpected server response: 503');
  releaseClose();
  await closed;
});
