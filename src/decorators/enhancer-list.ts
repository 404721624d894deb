import type { EnhancerRef } from '../definition';
import { Errors } from '../errors';
import { recordEnhancers, type EnhancerKind } from '../metadata';

/**
 * The shared body of `@UseGuards`, `@UseInterceptors` and `@UseFilters`: checks that each entry
 * is a class, an instance or a function (its methods are checked at `ready()`, once the classes
 * exist), then records them for a class or a method.
 */
export function enhancerDecorator(
  kind: EnhancerKind,
  decorator: string,
  what: string,
  enhancers: readonly unknown[],
): ClassDecorator & MethodDecorator {
  if (
    enhancers.length === 0 ||
    enhancers.some(
      (enhancer) =>
        typeof enhancer !== 'function' && (typeof enhancer !== 'object' || enhancer === null),
    )
  ) {
    throw Errors.INVALID_ARGUMENT(`${decorator}(...${kind})`, `pass one or more ${what}`);
  }
  const list = Object.freeze([...enhancers]) as readonly EnhancerRef[];
  return ((target: object, member?: string | symbol, descriptor?: PropertyDescriptor) => {
    recordEnhancers(kind, target, member, descriptor, list);
  }) as ClassDecorator & MethodDecorator;
}
