import { recordServerEvent } from '../metadata';
import { Errors } from '../errors';

/**
 * Answers `server.serverSideEmit(event, data)` sent by another process serving the same
 * gateway path. The method receives `(data, fromNode)`; its return value (or resolved promise)
 * is this process's answer, and a throw becomes an error answer. `data` and the answer cross
 * processes as JSON. One handler per event; on singleton gateways only.
 *
 * @example
 * @OnServerEvent('reload')
 * async reload(data: { key: string }) {
 *   await this.cache.reload(data.key);
 *   return { reloaded: data.key };
 * }
 */
export function OnServerEvent(event: string, ...unexpected: []): MethodDecorator {
  const where = `@OnServerEvent(${typeof event === 'string' ? JSON.stringify(event) : '…'})`;
  if (typeof event !== 'string' || event === '') {
    throw Errors.INVALID_ARGUMENT(where, 'the event name must be a non-empty string');
  }
  if (unexpected.length > 0) throw Errors.INVALID_ARGUMENT(where, 'it takes only the event name');
  return (target, member, descriptor) => {
    recordServerEvent(target, member, descriptor, event, where);
  };
}
