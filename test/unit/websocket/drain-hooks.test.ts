/**
 * addDrainHook: a layer built on the plugin finishes its work on `fastify.close()` before
 * any client is closed or the user's preClose runs.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import fastifyWebsocket, { addDrainHook } from '../../../src/websocket/plugin';

let app: FastifyInstance;
afterEach(() => app?.close());

function closeOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

test('drain hooks run before the default preClose closes clients (frames sent in them arrive)', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  const sockets: WebSocket[] = [];
  app.get('/ws', { websocket: true }, (socket) => void sockets.push(socket));
  await app.ready();
  const client = await app.injectWS('/ws');
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  const states: number[] = [];
  addDrainHook(app, async () => {
    states.push(sockets[0].readyState);
    await new Promise((resolve) => setImmediate(resolve));
    sockets[0].send('last words');
  });
  const code = closeOf(client);
  await app.close();
  expect(await code).toBe(1001);
  expect(states).toEqual([1]);
  expect(received).toEqual(['last words']);
});

test('drain hooks run before a custom preClose, and all of them are awaited', async () => {
  app = Fastify();
  const order: string[] = [];
  await app.register(fastifyWebsocket, {
    preClose(done) {
      order.push('preClose');
      done();
    },
  });
  await app.register(async (child) => {
    // From an encapsulated context the hooks land on the plugin's instance.
    addDrainHook(child, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      order.push('slow drain');
    });
  });
  addDrainHook(app, async () => void order.push('fast drain'));
  await app.ready();
  await app.close();
  expect(order).toEqual(['fast drain', 'slow drain', 'preClose']);
});

test('a failing drain hook is logged, never thrown, and close goes on', async () => {
  const lines: { level: number; msg: string; err?: { message: string } }[] = [];
  app = Fastify({
    logger: { level: 'error', stream: { write: (l: string) => void lines.push(JSON.parse(l)) } },
  });
  await app.register(fastifyWebsocket);
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  const client = await app.injectWS('/ws');
  addDrainHook(app, async () => {
    throw new Error('drain failed');
  });
  const code = closeOf(client);
  await expect(app.close()).resolves.toBeUndefined();
  expect(await code).toBe(1001);
  expect(lines).toEqual([
    expect.objectContaining({
      msg: 'websocket drain hook failed',
      err: expect.objectContaining({ message: 'drain failed' }),
    }),
  ]);
});

test('addDrainHook without the plugin throws an error that says what to do', () => {
  app = Fastify();
  expect(() => addDrainHook(app, async () => {})).toThrow(
    'addDrainHook: the websocket plugin is not registered on this instance; register fastify-ws-gateway/websocket first',
  );
});
