/** The user's preClose in every style Fastify accepts, and what the plugin does around it. */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '../../../src/websocket/plugin';

let app: FastifyInstance;
afterEach(() => app?.close());

async function closeWith(preClose: () => unknown): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  await app.register(fastifyWebsocket, { preClose: preClose as never });
  await app.ready();
  await app.close();
  return app;
}

test('a synchronous preClose without a callback is called once and close completes', async () => {
  const preClose = jest.fn(() => undefined);
  await closeWith(preClose);
  expect(preClose).toHaveBeenCalledTimes(1);
});

test('with a custom preClose the upgrade listener is still removed on close', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket, { preClose: async () => {} });
  await app.ready();
  expect(app.server.listenerCount('upgrade')).toBe(1);
  await app.close();
  expect(app.server.listenerCount('upgrade')).toBe(0);
});
