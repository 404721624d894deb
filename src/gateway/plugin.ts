import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Constructor } from '../definition';
import { Errors } from '../errors';
import { bootstrap, type BootstrapOptions } from './bootstrap';

/** Options of `app.register(fastifyWsGateway, options)`: the gateways, and bootstrap's options. */
export interface FastifyWsGatewayOptions extends BootstrapOptions {
  /** The `@Gateway` classes to serve. */
  readonly gateways: readonly Constructor<unknown>[];
}

async function registerGateways(
  app: FastifyInstance,
  { gateways, ...options }: FastifyWsGatewayOptions,
): Promise<void> {
  if (!Array.isArray(gateways)) {
    throw Errors.INVALID_ARGUMENT(
      'app.register(fastifyWsGateway, { gateways })',
      'gateways must be an array of @Gateway classes',
    );
  }
  await bootstrap(app, gateways, options);
}

/**
 * The Fastify-native form of `bootstrap()`: serves `gateways` on the app it is registered on
 * (not encapsulated, like `bootstrap()`), registering the websocket plugin if the app has
 * none. Misuse rejects `app.ready()`.
 *
 * @example
 * ```ts
 * const app = Fastify({ logger: true });
 * await app.register(fastifyWsGateway, { gateways: [ChatGateway], limits: { maxPayload: 16384 } });
 * await app.listen({ port: 3000 });
 * ```
 */
export const fastifyWsGateway = fp<FastifyWsGatewayOptions>(registerGateways, {
  fastify: '5.x',
  name: 'fastify-ws-gateway/plugin',
});
