import { recordHandler } from '../metadata';
import { Errors } from '../errors';

/**
 * Runs once when the connection closes, whoever closed it. Undecorated parameters get
 * `(connection, code, reason)`.
 *
 * @example
 * @OnClose() left(@ConnectedSocket() conn: Connection, code: number) {
 *   this.server.to(conn.params.room).emit('left', { id: conn.id, code });
 * }
 */
export function OnClose(...unexpected: []): MethodDecorator {
  if (unexpected.length > 0) throw Errors.INVALID_ARGUMENT('@OnClose()', 'it takes no arguments');
  return (target, member, descriptor) => {
    recordHandler(target, member, descriptor, { kind: 'close' }, '@OnClose()');
  };
}
