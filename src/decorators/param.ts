import type { PipeRef } from '../definition';
import { namedParameter } from './named-parameter';

/**
 * Injects a route parameter of the gateway path (`@Param('room')`), or all of them (`@Param()`).
 *
 * @example
 * @OnConnect() join(@ConnectedSocket() conn: Connection, @Param('room') room: string) {}
 */
export function Param(name?: string, ...pipes: PipeRef[]): ParameterDecorator {
  return namedParameter('param', '@Param', 'all params', name, pipes);
}
