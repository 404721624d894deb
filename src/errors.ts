/**
 * Every error code of fastify-ws-gateway in one place: the codes a client sees on the wire,
 * the close codes, and the `FWG_ERR_*` programmer errors raised at decoration or `ready()` time.
 * The README's tables are tested against this file.
 */
import createError, { type FastifyError, type FastifyErrorConstructor } from '@fastify/error';

/** Error codes sent to clients in `{ "event": "error", "data": { "code", "message" } }`. */
export const WireErrorCode = {
  BadFrame: 'bad_frame',
  UnknownEvent: 'unknown_event',
  ValidationFailed: 'validation_failed',
  Forbidden: 'forbidden',
  RateLimited: 'rate_limited',
  Unavailable: 'unavailable',
  InternalError: 'internal_error',
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

/** The fixed message sent with each built-in wire error code. */
export const WIRE_ERROR_MESSAGES: Readonly<Record<WireErrorCode, string>> = {
  bad_frame: 'Frame is not a JSON object with a string "event"',
  unknown_event: 'No handler for this event',
  validation_failed: 'Message body failed validation',
  forbidden: 'Not allowed',
  rate_limited: 'Too many messages: slow down',
  unavailable: 'The server is shutting down: retry on another connection',
  internal_error: 'Internal error',
};

/** Close codes the server uses, with when it uses them. */
export const CloseCode = {
  /** `conn.close()` without a code: the conversation is over (the client does not reconnect). */
  Normal: 1000,
  /** Server shutdown, after in-flight handlers drained. */
  GoingAway: 1001,
  /** Policy violation: sustained abuse (rate limit exceeded for too long). */
  PolicyViolation: 1008,
  /** Inbound frame larger than `maxPayload`. */
  MessageTooBig: 1009,
  /** `@OnConnect` threw, or upgrade + `@OnConnect` exceeded `connectTimeoutMs`. */
  InternalError: 1011,
  /** Outbound buffer above `maxBufferedBytes`: the client reads too slowly. */
  TryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Thrown by handlers to send a client an error it can act on; sent verbatim.
 *
 * @example
 * throw new WsException('room_full', 'Room a is full', { capacity: 10 });
 */
export class WsException extends Error {
  constructor(
    readonly code: string,
    message: string = code,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'WsException';
  }
}

/** True for a `WsException`, also one from another copy of this package. */
export function isWsException(value: unknown): value is WsException {
  return (
    value instanceof WsException ||
    (value instanceof Error &&
      value.name === 'WsException' &&
      typeof (value as WsException).code === 'string')
  );
}

/**
 * The base of every `FWG_ERR_*` error: `error instanceof GatewayError` catches them all, and
 * each code's own class (`error instanceof Errors.NOT_A_GATEWAY`) catches one.
 */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

/** Passed last to an error class, becomes the error's `cause`. */
export interface ErrorCause {
  readonly cause: unknown;
}

/** A process's answer to a cluster-wide operation (see `ClusterTimeoutError.answers`). */
export type ClusterAnswerLike =
  | { readonly node: string; readonly ok: true; readonly value: unknown }
  | {
      readonly node: string;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string };
    };

/**
 * A cluster-wide operation (`fetchAll`, `joinAll`, `leaveAll`, `disconnectAll`,
 * `serverSideEmit`) that some live process did not answer within `clusterTimeoutMs`.
 *
 * @example
 * try {
 *   await server.serverSideEmit('reload', {});
 * } catch (error) {
 *   if (error instanceof ClusterTimeoutError) log.warn({ missing: error.missing }, 'some nodes did not reload');
 * }
 */
export class ClusterTimeoutError extends Error {
  constructor(
    /** The operation, e.g. `serverSideEmit("reload")`. */
    readonly operation: string,
    /** Node ids of the processes that did not answer. */
    readonly missing: readonly string[],
    /** The answers that came, this process's own first where it takes part. */
    readonly answers: readonly ClusterAnswerLike[],
    timeoutMs: number,
  ) {
    super(
      `${operation}: ${missing.length} process(es) did not answer within clusterTimeoutMs (${timeoutMs} ms): ${missing.join(', ')}; ${answers.length} answer(s) came`,
    );
    this.name = 'ClusterTimeoutError';
  }
}

/** One `FWG_ERR_*` code's class; callable with or without `new`, as Fastify's own errors. */
export type GatewayErrorClass<C extends string = string> = FastifyErrorConstructor<
  { code: C },
  (string | number | ErrorCause)[]
> & {
  readonly code: C;
  readonly message: string;
  readonly prototype: GatewayError & FastifyError & { code: C };
};

/**
 * Defines a programmer error with `@fastify/error`, as Fastify defines `FST_ERR_*`: `%s` in
 * the message are filled, in order, by the arguments; a last `{ cause }` argument sets `cause`.
 */
export function defineError<C extends string>(code: C, message: string): GatewayErrorClass<C> {
  const ErrorClass = createError(code, message, 500, GatewayError as unknown as ErrorConstructor);
  return Object.assign(ErrorClass, { code, message }) as unknown as GatewayErrorClass<C>;
}

/**
 * Programmer errors, one class per code: `throw Errors.NOT_A_GATEWAY('Foo')` (or with `new`),
 * `error instanceof Errors.NOT_A_GATEWAY`. Add new ones here (one line each); the docs list
 * every code. Messages name the class, member or event involved and say what to do.
 */
export const Errors = {
  NOT_A_GATEWAY: defineError(
    'FWG_ERR_NOT_A_GATEWAY',
    '%s is not a gateway: decorate the class with @Gateway(path) before passing it to bootstrap()',
  ),
  DUPLICATE_EVENT: defineError(
    'FWG_ERR_DUPLICATE_EVENT',
    '%s has two @OnMessage handlers for event "%s" (%s and %s): keep one handler per event',
  ),
  DUPLICATE_PATH: defineError(
    'FWG_ERR_DUPLICATE_PATH',
    '%s cannot serve path "%s", which another route already serves (%s): give each gateway its own path',
  ),
  BODY_NOT_VALIDATED: defineError(
    'FWG_ERR_BODY_NOT_VALIDATED',
    '%s.%s (event "%s") has a message body without a DTO class, so it would go unvalidated under requireDto: type the body with a class, or pass @OnMessage("%s", { body: Dto }) (an `import type` DTO erases to Object)',
  ),
  INVALID_ARGUMENT: defineError('FWG_ERR_INVALID_ARGUMENT', '%s: %s'),
  CONNECTION_NOT_INJECTABLE: defineError(
    'FWG_ERR_CONNECTION_NOT_INJECTABLE',
    '%s asks for Connection in its constructor, but a singleton gateway outlives connections: use @Gateway(path, { scope: "connection" }) or take the connection as a handler parameter',
  ),
  INVALID_LIMIT: defineError('FWG_ERR_INVALID_LIMIT', 'Limit "%s" of %s must be %s, got %s'),
  BODY_OUTSIDE_MESSAGE: defineError(
    'FWG_ERR_BODY_OUTSIDE_MESSAGE',
    '%s.%s parameter %s uses @MessageBody(), but only @OnMessage handlers receive a body: remove it or move it to an @OnMessage handler',
  ),
  UNRESOLVED_PARAMETER: defineError(
    'FWG_ERR_UNRESOLVED_PARAMETER',
    '%s.%s parameter %s receives nothing: decorate it (@MessageBody, @ConnectedSocket, @Param, @Query, @Req) or remove it',
  ),
  REQUEST_NOT_INJECTABLE: defineError(
    'FWG_ERR_REQUEST_NOT_INJECTABLE',
    '%s asks for the Fastify request (FASTIFY_REQUEST) in its constructor, but a singleton gateway outlives requests: use @Gateway(path, { scope: "connection" }) or take the request as an @OnConnect parameter',
  ),
  INVALID_ENHANCER: defineError(
    'FWG_ERR_INVALID_ENHANCER',
    '%s: %s is not a usable %s: give it a %s method, or pass a plain function',
  ),
  INVALID_PROVIDER: defineError(
    'FWG_ERR_INVALID_PROVIDER',
    'bootstrap() providers[%s] is not a provider: %s',
  ),
  MISSING_PROVIDER: defineError(
    'FWG_ERR_MISSING_PROVIDER',
    'Nothing provides %s (needed by %s): list it in bootstrap(app, gateways, { providers }), or use @Inject(token) on a parameter typed with an interface or `import type`',
  ),
  PROVIDER_CYCLE: defineError(
    'FWG_ERR_PROVIDER_CYCLE',
    'Providers depend on each other in a cycle: %s; break it with a factory provider or by moving the shared part into its own class',
  ),
  PROVIDER_FAILED: defineError('FWG_ERR_PROVIDER_FAILED', 'The factory of provider %s failed: %s'),
  NO_TYPE_METADATA: defineError(
    'FWG_ERR_NO_TYPE_METADATA',
    '%s takes constructor parameters but has no recorded types for them (needed by %s): TypeScript records them only for a decorated class compiled with emitDecoratorMetadata (esbuild and tsx never do), so add @injectable() from tsyringe to the class, or name each parameter with @Inject(token)',
  ),
  CONSTRUCTOR_TYPES_MISSING: defineError(
    'FWG_ERR_CONSTRUCTOR_TYPES_MISSING',
    '%s has %s constructor parameter(s) it cannot be given: the class carries no design:paramtypes metadata (tsx and esbuild do not emit it). Compile with "emitDecoratorMetadata": true (tsc, ts-node, SWC with decoratorMetadata), or mark every constructor parameter with @inject(token) from tsyringe',
  ),
  DUPLICATE_SERVER_EVENT: defineError(
    'FWG_ERR_DUPLICATE_SERVER_EVENT',
    '%s has two @OnServerEvent handlers for event "%s" (%s and %s): keep one handler per event',
  ),
  // (add new programmer errors above this line)
} as const;
