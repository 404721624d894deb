import { recordParameter } from '../metadata';
import { Errors } from '../runtime/errors';

/**
 * Injects a route parameter of the gateway path (`@Param('room')`), or all of them (`@Param()`).
 *
 * @example
 * @OnConnect() join(@ConnectedSocket() conn: Connection, @Param('room') room: string) {}
 */
export function Param(name?: string): ParameterDecorator {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw Errors.INVALID_ARGUMENT(
      '@Param(name)',
      'name must be a non-empty string, or omitted for all params',
    );
  }
  const record =
    name === undefined ? { source: 'param' as const } : { source: 'param' as const, name };
  return (target, member, index) => {
    recordParameter(
      target,
      member,
      index,
      record,
      `@Param(${name === undefined ? '' : JSON.stringify(name)})`,
    );
  };
}
