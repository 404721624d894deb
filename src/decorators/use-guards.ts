import type { GuardRef } from '../definition';
import { enhancerDecorator } from './enhancer-list';

/**
 * Guards `@OnMessage` handlers: on a class, every message handler of the gateway; on a method,
 * that handler (after the global and class guards). A guard is a function of the
 * `MessageContext`, or a class with `canActivate(ctx)` resolved through the container (so it
 * can have injected services). Guards run after the body is validated; one that does not
 * return `true` answers the request with `forbidden`. Access to the connection itself is a
 * Fastify hook: `@Gateway(path, { hooks: { preValidation } })`.
 *
 * @example
 * @UseGuards(({ connection }) => connection.data.user !== undefined, RolesGuard)
 * @OnMessage('say') say(body: SayDto) {}
 */
export function UseGuards(...guards: GuardRef[]): ClassDecorator & MethodDecorator {
  return enhancerDecorator(
    'guards',
    '@UseGuards',
    'guard functions, guard classes (canActivate) or instances',
    guards,
  );
}
