import type { EnhancerRef } from '../definition';
import { Errors } from '../errors';

/** Checks a parameter decorator's pipes: classes, instances or functions (methods checked at `ready()`). */
export function pipeList(decorator: string, pipes: readonly unknown[]): readonly EnhancerRef[] {
  for (const pipe of pipes) {
    if (typeof pipe !== 'function' && (typeof pipe !== 'object' || pipe === null)) {
      throw Errors.INVALID_ARGUMENT(
        decorator,
        'pipes are classes with transform(value, meta), instances of them, or functions',
      );
    }
  }
  return Object.freeze([...pipes]) as readonly EnhancerRef[];
}
