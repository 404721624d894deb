import { recordHandler } from '../metadata';
import type { Constructor } from '../definition';
import { Errors } from '../errors';

/** Options of `@OnMessage(event, options)`. */
export interface OnMessageOptions {
  /** DTO class the body is validated against; wins over the parameter's declared type. */
  readonly body?: Constructor;
}

/**
 * Handles client frames of `event`; the return value (or resolved promise) is the reply.
 * Undecorated parameters get `(body, connection)`. The body is validated when its declared
 * type is a class, or against `options.body` (needed with `import type` DTOs or without
 * `emitDecoratorMetadata`).
 *
 * @example
 * @OnMessage('say') say(body: SayDto, conn: Connection) {
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
    Object.keys(options).some((key) => key !== 'body')
  ) {
    throw Errors.INVALID_ARGUMENT(where, 'options must be an object with only "body"');
  }
  if (options.body !== undefined && typeof options.body !== 'function') {
    throw Errors.INVALID_ARGUMENT(where, 'options.body must be a DTO class');
  }
  const record =
    options.body === undefined
      ? { kind: 'message' as const, event }
      : { kind: 'message' as const, event, body: options.body };
  return (target, member, descriptor) => {
    recordHandler(target, member, descriptor, record, where);
  };
}
