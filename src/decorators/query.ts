import { recordParameter } from '../metadata';
import { Errors } from '../runtime/errors';

/**
 * Injects a query-string value of the upgrade URL (`@Query('token')`), or the whole record (`@Query()`).
 *
 * @example
 * @OnConnect() join(@ConnectedSocket() conn: Connection, @Query('lang') lang?: string) {}
 */
export function Query(name?: string): ParameterDecorator {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw Errors.INVALID_ARGUMENT(
      '@Query(name)',
      'name must be a non-empty string, or omitted for the whole query',
    );
  }
  const record =
    name === undefined ? { source: 'query' as const } : { source: 'query' as const, name };
  return (target, member, index) => {
    recordParameter(
      target,
      member,
      index,
      record,
      `@Query(${name === undefined ? '' : JSON.stringify(name)})`,
    );
  };
}
