import type { FilterRef } from '../definition';
import { enhancerDecorator } from './enhancer-list';

/**
 * Maps what a handler, a guard, an interceptor, a pipe or validation throws to the error a
 * client sees: `catch(error, ctx)` returns a `WsException` (sent as is) or `undefined` (the
 * next filter tries). The method's filters try first, then the class's, then global ones;
 * what no filter maps is sent as today (`WsException` verbatim, anything else `internal_error`).
 *
 * @example
 * class NotFoundFilter implements ExceptionFilter {
 *   catch(error: unknown) {
 *     return error instanceof NotFound ? new WsException('not_found', error.message) : undefined;
 *   }
 * }
 * @UseFilters(NotFoundFilter) @OnMessage('get') get(body: GetDto) {}
 */
export function UseFilters(...filters: FilterRef[]): ClassDecorator & MethodDecorator {
  return enhancerDecorator(
    'filters',
    '@UseFilters',
    'filter classes (catch), instances or functions',
    filters,
  );
}
