import type { PipeRef } from '../definition';
import { namedParameter } from './named-parameter';

/**
 * Injects a query-string value of the upgrade URL (`@Query('token')`), or the whole record (`@Query()`).
 *
 * @example
 * @OnConnect() join(@ConnectedSocket() conn: Connection, @Query('lang') lang?: string) {}
 */
export function Query(name?: string, ...pipes: PipeRef[]): ParameterDecorator {
  return namedParameter('query', '@Query', 'the whole query', name, pipes);
}
