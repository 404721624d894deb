import { recordCustomMetadata } from '../metadata';

/**
 * Attaches a value to a gateway class or a handler, for guards, interceptors and filters to
 * read with `ctx.getMetadata(key)` (the handler's value first, then the class's). Build your
 * own decorators from it.
 *
 * @example
 * const Roles = (...roles: string[]) => SetMetadata('roles', roles);
 * @Roles('admin') @OnMessage('kick') kick(body: KickDto) {}
 * // in a guard: ctx.getMetadata<string[]>('roles') -> ['admin']
 */
export function SetMetadata<V>(key: unknown, value: V): ClassDecorator & MethodDecorator {
  return ((target: object, member?: string | symbol) => {
    recordCustomMetadata(target, member, key, value);
  }) as ClassDecorator & MethodDecorator;
}
