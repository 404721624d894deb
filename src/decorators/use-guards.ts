import { recordGuards } from '../metadata';
import type { Guard } from '../definition';
import { Errors } from '../errors';

/**
 * Guards `@OnMessage` handlers: on a class, every message handler of the gateway; on a method,
 * that handler (after the class's guards). Guards run after the body is validated; one that
 * does not return `true` answers the request with `forbidden`. Access to the connection itself
 * is a Fastify hook: `@Gateway(path, { hooks: { preValidation } })`.
 *
 * @example
 * @UseGuards(({ connection }) => connection.data.user !== undefined)
 * @OnMessage('say') say(body: SayDto) {}
 */
export function UseGuards(...guards: Guard[]): ClassDecorator & MethodDecorator {
  if (guards.length === 0 || guards.some((guard) => typeof guard !== 'function')) {
    throw Errors.INVALID_ARGUMENT('@UseGuards(...guards)', 'pass one or more guard functions');
  }
  return ((target: object, member?: string | symbol, descriptor?: PropertyDescriptor) => {
    recordGuards(target, member, descriptor, guards);
  }) as ClassDecorator & MethodDecorator;
}
