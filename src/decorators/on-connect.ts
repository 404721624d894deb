import { recordHandler } from '../metadata';
import { Errors } from '../errors';

/**
 * Runs when a client connects, before any of its messages (they queue until it settles).
 * Undecorated parameters get `(connection, request)`. Throwing closes the socket with 1011.
 *
 * @example
 * @OnConnect() async join(@ConnectedSocket() conn: Connection, @Param('room') room: string) {
 *   conn.join(room);
 * }
 */
export function OnConnect(...unexpected: []): MethodDecorator {
  if (unexpected.length > 0) throw Errors.INVALID_ARGUMENT('@OnConnect()', 'it takes no arguments');
  return (target, member, descriptor) => {
    recordHandler(target, member, descriptor, { kind: 'connect' }, '@OnConnect()');
  };
}
