/**
 * Closing the Fastify instance: the default preClose closes every client, a custom preClose
 * replaces it, and the upgrade listener lives exactly as long as the instance.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { listen } from '../support/network';
import { closed, inject, openClient } from './clients';
import { fastifyWebsocket, SERVER_CLOSE_CODE } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

// The one intentional difference: upstream's clients see 1005 (no code), ours 1001 (going away).
test(`closing the instance closes every client with ${SERVER_CLOSE_CODE} (upstream: 1005, ours: 1001)`, async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  app.get('/ws', { websocket: true }, () => {});
  const url = await listen(app);
  const real = await openClient(`${url}/ws`);
  const injected = await inject(app, '/ws');
  const realClosed = closed(real);
  const injectedClosed = closed(injected);
  await app.close();
  expect((await realClosed).code).toBe(SERVER_CLOSE_CODE);
  expect((await injectedClosed).code).toBe(SERVER_CLOSE_CODE);
});

test('exactly one upgrade listener after ready, none after close', async () => {
  app = Fastify();
  const before = app.server.listenerCount('upgrade');
  await app.register(fastifyWebsocket);
  await app.ready();
  expect(app.server.listenerCount('upgrade')).toBe(before + 1);
  await app.close();
  expect(app.server.listenerCount('upgrade')).toBe(before);
});

test('README custom preClose (callback): it decides how clients close', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket, {
    preClose(done) {
      const server = app.websocketServer;
      for (const socket of server.clients) {
        socket.close(1001, 'WS server is going offline in custom manner, sending a code + message');
      }
      server.close(done);
    },
  });
  app.get('/ws', { websocket: true }, () => {});
  const url = await listen(app);
  const ws = await openClient(`${url}/ws`);
  const done = closed(ws);
  await app.close();
  expect(await done).toEqual({
    code: 1001,
    reason: 'WS server is going offline in custom manner, sending a code + message',
  });
});

test('custom preClose (async): called once with this = the instance, clients left to it', async () => {
  app = Fastify();
  const calls: unknown[] = [];
  await app.register(fastifyWebsocket, {
    async preClose(this: FastifyInstance) {
      calls.push(this.websocketServer);
      for (const socket of this.websocketServer.clients) socket.close(4000, 'custom');
    },
  });
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  const ws = await inject(app, '/ws');
  const done = closed(ws);
  await app.close();
  expect(calls).toEqual([app.websocketServer]);
  expect(await done).toEqual({ code: 4000, reason: 'custom' });
});

test.each([
  [
    'throws',
    () => {
      throw new Error('preClose failed');
    },
  ],
  ['rejects', async () => Promise.reject(new Error('preClose failed'))],
  [
    'passes an error to done',
    (done: (error?: Error) => void) => done(new Error('preClose failed')),
  ],
])('a preClose that %s makes close() reject with its error', async (_name, preClose) => {
  app = Fastify();
  await app.register(fastifyWebsocket, { preClose: preClose as never });
  await app.ready();
  await expect(app.close()).rejects.toThrow('preClose failed');
});
