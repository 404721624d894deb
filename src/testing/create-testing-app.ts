/**
 * `createTestingApp()`: a ready Fastify app serving some gateways, with chosen providers
 * replaced by fakes, the way NestJS tests use `overrideProvider`.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { bootstrap, type BootstrapOptions, type Constructor, type Provider } from '..';

/** Options of `createTestingApp()`: bootstrap's options, plus what to replace. */
export interface TestingAppOptions extends BootstrapOptions {
  readonly gateways: readonly Constructor<unknown>[];
  /**
   * Providers that replace those with the same token (or are added when none has it, which
   * also replaces a plain service class the gateways inject).
   */
  readonly overrides?: readonly Exclude<Provider, Constructor>[];
  /** Options of the Fastify instance (logger…). */
  readonly fastify?: FastifyServerOptions;
}

/**
 * Builds and readies an app; close it with `app.close()`.
 *
 * @example
 * ```ts
 * const app = await createTestingApp({
 *   gateways: [ChatGateway],
 *   providers: [MessageStore],
 *   overrides: [{ provide: MessageStore, useValue: fakeStore }],
 * });
 * const client = await connectGateway(app, '/chat');
 * ```
 */
export async function createTestingApp(options: TestingAppOptions): Promise<FastifyInstance> {
  const { gateways, overrides = [], fastify, providers = [], ...rest } = options;
  const replaced = new Set<unknown>(overrides.map((override) => override.provide));
  const kept = providers.filter((provider) => !replaced.has(tokenOf(provider)));
  const app = Fastify(fastify);
  try {
    await bootstrap(app, gateways, { ...rest, providers: [...kept, ...overrides] });
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

function tokenOf(provider: Provider): unknown {
  return typeof provider === 'function' ? provider : provider.provide;
}
