import { recordHandler, type HandlerRecord } from '../metadata';
import type { Constructor } from '../definition';
import { Errors } from '../errors';

/** Options of `@OnMessage(event, options)`. */
export interface OnMessageOptions {
  /** DTO class the body is validated against; wins over the parameter's declared type. */
  readonly body?: Constructor;
  /** DTO class of the reply, for the AsyncAPI document and typed clients (not checked at run time). */
  readonly reply?: Constructor;
  /** `WsException` codes the handler may send, added to the document's error code enum. */
  readonly errors?: readonly string[];
}

const OPTION_KEYS = new Set(['body', 'reply', 'errors']);

/**
 * Handles client frames of `event`; the return value (or resolved promise) is the reply.
 * Undecorated parameters get `(body, connection)`. The body is validated when its declared
 * type is a class, or against `options.body` (needed with `import type` DTOs or without
 * `emitDecoratorMetadata`). `reply` and `errors` only describe the handler (AsyncAPI, typed
 * clients).
 *
 * @example
 * @OnMessage('say', { reply: SayReplyDto, errors: ['room_full'] })
 * say(body: SayDto, conn: Connection) {
 *   return { ok: true };
 * }
 */
export function OnMessage(event: string, options: OnMessageOptions = {}): MethodDecorator {
  const where = `@OnMessage(${typeof event === 'string' ? JSON.stringify(event) : '…'})`;
  if (typeof event !== 'string' || event === '') {
    throw Errors.INVALID_ARGUMENT(where, 'the event name must be a non-empty string');
  }
  if (
    typeof options !== 'object' ||
    options === null ||
    Object.keys(options).some((key) => !OPTION_KEYS.has(key))
  ) {
    throw Errors.INVALID_ARGUMENT(
      where,
      'options must be an object with only "body", "reply" and "errors"',
    );
  }
  for (const key of ['body', 'reply'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw Errors.INVALID_ARGUMENT(where, `options.${key} must be a DTO class`);
    }
  }
  const { errors } = options;
  if (
    errors !== undefined &&
    !(Array.isArray(errors) && errors.every((code) => typeof code === 'string' && code !== ''))
  ) {
    throw Errors.INVALID_ARGUMENT(
      where,
      'options.errors must be an array of non-empty code strings',
    );
  }
  const record: { -readonly [K in keyof Omit<HandlerRecord, 'member'>]: HandlerRecord[K] } = {
    kind: 'message',
    event,
  };
  if (options.body !== undefined) record.body = options.body;
  if (options.reply !== undefined) record.reply = options.reply;
  if (errors !== undefined) record.errors = Object.freeze([...errors]);
  return (target, member, descriptor) => {
    recordHandler(target, member, descriptor, record, where);
  };
}
