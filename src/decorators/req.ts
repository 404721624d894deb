import { recordParameter } from '../metadata';
import { Errors } from '../errors';

/**
 * Injects the Fastify request of the upgrade (kept for the connection's lifetime only when
 * some handler asks for it).
 *
 * @example
 * @OnConnect() join(@ConnectedSocket() conn: Connection, @Req() request: FastifyRequest) {
 *   request.log.info({ id: conn.id }, 'joined');
 * }
 */
export function Req(...unexpected: []): ParameterDecorator {
  if (unexpected.length > 0) throw Errors.INVALID_ARGUMENT('@Req()', 'it takes no arguments');
  return (target, member, index) => {
    recordParameter(target, member, index, { source: 'request' }, '@Req()');
  };
}
