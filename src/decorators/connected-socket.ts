import { recordParameter } from '../metadata';
import { Errors } from '../errors';

/**
 * Injects the `Connection` (id, params, rooms, emit, join, leave, close, raw socket).
 *
 * @example
 * @OnClose() left(@ConnectedSocket() conn: Connection, code: number) {}
 */
export function ConnectedSocket(...unexpected: []): ParameterDecorator {
  if (unexpected.length > 0)
    throw Errors.INVALID_ARGUMENT('@ConnectedSocket()', 'it takes no arguments');
  return (target, member, index) => {
    recordParameter(target, member, index, { source: 'connection' }, '@ConnectedSocket()');
  };
}
