import { recordEmits } from '../metadata';
import type { Constructor } from '../definition';
import { Errors } from '../errors';

// Names the client keeps for its own state events (client/types.ts StateEvents): a push with
// one of these names would never reach a listener.
const CLIENT_STATE_EVENTS = new Set(['open', 'close', 'reconnecting', 'error']);

/**
 * Declares an event the gateway sends to clients (`server.emit`, `conn.emit`, `to(room).emit`)
 * and the DTO describing its data. Repeatable. Feeds the AsyncAPI document (a `send`
 * operation) and the typed client; the test kit fails a test when the gateway sends an event
 * it did not declare (once it declares any).
 *
 * @example
 * @Gateway('/chat/:room')
 * @Emits('said', SaidDto)
 * @Emits('joined', JoinedDto)
 * class ChatGateway {}
 */
export function Emits(event: string, dto: Constructor): ClassDecorator {
  const where = `@Emits(${typeof event === 'string' ? JSON.stringify(event) : '…'})`;
  if (typeof event !== 'string' || event === '') {
    throw Errors.INVALID_ARGUMENT(where, 'the event name must be a non-empty string');
  }
  if (event.startsWith('$') || CLIENT_STATE_EVENTS.has(event)) {
    throw Errors.INVALID_ARGUMENT(
      where,
      `"${event}" is reserved (names starting with "$" belong to the protocol; open, close, reconnecting and error to the client): pick another name`,
    );
  }
  if (typeof dto !== 'function') {
    throw Errors.INVALID_ARGUMENT(where, 'the second argument must be the DTO class of the data');
  }
  return (target) => {
    recordEmits(target as unknown as Constructor, event, dto);
  };
}
