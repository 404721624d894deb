import type { FastifyBaseLogger } from 'fastify';

/**
 * Calls `hook` (`onReady` or `onClose`) on each object that has it, one after the other.
 * `onReady` failing fails `ready()`; `onClose` failing is logged and the others still run, so
 * one broken service cannot keep the rest open.
 */
export async function runLifecycle(
  objects: readonly object[],
  hook: 'onReady' | 'onClose',
  log: FastifyBaseLogger,
): Promise<void> {
  for (const object of objects) {
    const method = (object as Record<string, unknown>)[hook];
    if (typeof method !== 'function') continue;
    if (hook === 'onReady') {
      await method.call(object);
      continue;
    }
    try {
      await method.call(object);
    } catch (error) {
      log.error({ err: error }, `${object.constructor.name}.onClose() failed`);
    }
  }
}
