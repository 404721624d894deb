/**
 * Drain hooks: work a layer built on the plugin (the gateway runtime) finishes on
 * `fastify.close()` before any client is closed or the user's preClose runs.
 */
import type { FastifyInstance } from 'fastify';

type DrainHook = () => Promise<void>;

const kDrainHooks = Symbol('fastify-ws-gateway.drainHooks');

/** Gives the instance the plugin is registered on its (empty) list of drain hooks. */
export function decorateDrainHooks(fastify: FastifyInstance): DrainHook[] {
  const hooks: DrainHook[] = [];
  fastify.decorate(kDrainHooks, hooks);
  return hooks;
}

/**
 * Adds work to finish before clients are closed on `fastify.close()`: every hook is awaited
 * (a failure is logged, never thrown) before the plugin's preClose, default or custom.
 * Works from any encapsulated context below the instance the plugin is registered on.
 *
 * @example
 * addDrainHook(app, async () => { await inFlight.settled(); });
 */
export function addDrainHook(fastify: FastifyInstance, hook: DrainHook): void {
  const hooks = (fastify as unknown as { [kDrainHooks]?: DrainHook[] })[kDrainHooks];
  if (hooks === undefined) {
    throw new Error(
      'addDrainHook: the websocket plugin is not registered on this instance; register fastify-ws-gateway/websocket first',
    );
  }
  hooks.push(hook);
}

/** True when the websocket plugin registered on `fastify` (or above it) takes drain hooks. */
export function hasDrainHooks(fastify: FastifyInstance): boolean {
  return fastify.hasDecorator(kDrainHooks as unknown as string);
}

/** Awaits every hook; failures are logged so one bad hook never blocks the close. */
export async function runDrainHooks(instance: FastifyInstance, hooks: DrainHook[]): Promise<void> {
  await Promise.all(
    hooks.map(async (hook) => {
      try {
        await hook();
      } catch (error) {
        instance.log.error({ err: error }, 'websocket drain hook failed');
      }
    }),
  );
}
