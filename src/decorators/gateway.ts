import { recordGateway } from '../metadata';
import { injectable } from 'tsyringe';
import type { Constructor } from '../definition';
import { Errors } from '../errors';
import { keepGatewayOptions, type GatewayOptions } from '../gateway-options';

/**
 * Makes a class a gateway served at `path` (a Fastify route pattern, params allowed). The class
 * becomes resolvable by tsyringe: constructor parameters are injected by type, no `@injectable()` needed.
 *
 * @example
 * @Gateway('/rooms/:room', { scope: 'connection', limits: { maxPayload: 16384 } })
 * class ChatGateway {
 *   constructor(private readonly store: MessageStore) {}
 * }
 */
export function Gateway(path: string, options: GatewayOptions = {}): ClassDecorator {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw Errors.INVALID_ARGUMENT(
      '@Gateway(path)',
      `path must be a string starting with "/", got ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`,
    );
  }
  const kept = keepGatewayOptions(`@Gateway(${JSON.stringify(path)}, options)`, options);
  return (target) => {
    recordGateway(target as unknown as Constructor, path, kept);
    injectable()(target as unknown as new (...args: any[]) => unknown);
  };
}
