import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { bootstrap, type GatewayAdapter } from 'fastify-ws-gateway';
import { ChatGateway } from './chat.gateway';

export interface ChatAppOptions {
  /** Fastify's logger option; off by default. */
  logger?: boolean | object;
  /** Cross-process broadcasts (e.g. a `RedisAdapter`); in-process by default. */
  adapter?: GatewayAdapter;
  /** File served at `/client.js`; default `<package root>/dist/client/browser.js`. */
  clientScript?: string;
}

const PAGE = join('samples', 'chat', 'public', 'index.html');

/** The package root: the nearest folder up holding the page (works from samples/ and dist-samples/). */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, PAGE))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PAGE} not found above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * The chat sample: the gateway at `/chat/:room`, the page at `/`, the browser client at
 * `/client.js`, the AsyncAPI document at `/asyncapi.json` and Prometheus metrics at `/metrics`.
 *
 * @example
 * const app = await buildChatApp({ logger: true });
 * await app.listen({ port: 3000 });
 */
export async function buildChatApp(options: ChatAppOptions = {}): Promise<FastifyInstance> {
  const root = packageRoot(__dirname);
  const page = join(root, PAGE);
  const clientScript = options.clientScript ?? join(root, 'dist', 'client', 'browser.js');
  const app = Fastify({ logger: options.logger ?? false });
  // One registry per app: the gateway's metrics and the process's, served below.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  await bootstrap(app, [ChatGateway], {
    adapter: options.adapter,
    metrics: { registry },
    // The contract, generated from the gateway's decorators; the page links to it.
    asyncapi: {
      path: '/asyncapi.json',
      info: { title: 'fastify-ws-gateway chat', version: '1.0.0' },
    },
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/', async (_request, reply) => {
    return reply.type('text/html; charset=utf-8').send(await readFile(page));
  });
  app.get('/client.js', async (_request, reply) => {
    if (!existsSync(clientScript)) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`${clientScript} not found: run "npm run build" to build the browser client`);
    }
    return reply.type('text/javascript; charset=utf-8').send(await readFile(clientScript));
  });
  return app;
}
