import {
  CloseCode,
  WIRE_ERROR_MESSAGES,
  WireErrorCode,
  WsException,
  isWsException,
} from '../errors';
import type { InboundFrame } from './codec';
import { invokeHandler, type CompiledHandler } from './compiled-handler';
import { runGuards } from './guards';
import { maybeThen } from './maybe-then';
import type { MessageContext } from './message-context';
import type { MessageObserver } from './observer';
import { wireErrorFrame } from './outbound';
import type { DispatchSession as ConnectionSession } from './session-types';
import { isThenable } from './thenable';
import type { ValidationOutcome } from './validation';

type Probe = ReturnType<MessageObserver['begin']>;

/**
 * Handles one inbound message of an open connection: decode, rate limit, route by event, then
 * one pipeline: validate → guards → interceptors → pipes and arguments → handler → reply, with
 * filters on whatever any step throws. Each step continues in the same tick when the previous
 * one returned a plain value, so a synchronous handler is answered before this returns.
 */
export function dispatchMessage(session: ConnectionSession, data: Buffer, isBinary: boolean): void {
  const { runtime } = session;
  const decoded = runtime.codec.decode(data, isBinary, runtime.limits.maxDepth);
  const limiter = session.rateLimiter();
  if (limiter !== null) {
    const decision = limiter.take();
    if (decision !== 'ok') {
      // The request that crosses into abuse still gets its one frame, before the close.
      refuse(session, WireErrorCode.RateLimited, decoded.ok ? decoded.frame.id : decoded.id);
      if (decision === 'abuse') {
        session.closeWith(CloseCode.PolicyViolation, 'Rate limit exceeded for too long');
      }
      return;
    }
  }
  if (!decoded.ok) {
    refuse(session, WireErrorCode.BadFrame, decoded.id);
    return;
  }
  const { frame } = decoded;
  // Resumable sessions take `$ack` and repeated request ids out of the message path.
  if (session.resume?.intercept(frame) === true) return;
  // A Map holds own keys only, so `toString` or `__proto__` never reach a handler.
  const handler = runtime.messages.get(frame.event);
  if (handler === undefined) {
    refuse(session, WireErrorCode.UnknownEvent, frame.id);
    return;
  }
  const context = handler.contextual ? new Exchange(session, handler, frame) : undefined;
  const probe = runtime.observer?.begin(session, frame.event);
  let result: unknown;
  try {
    result = validateThenRun(session, handler, frame, context);
  } catch (error) {
    failed(session, handler, frame, context, probe, error);
    return;
  }
  if (isThenable(result)) {
    session.track(result, (ok, value) => {
      if (ok) replied(session, frame, probe, value);
      else failed(session, handler, frame, context, probe, value);
    });
  } else replied(session, frame, probe, result);
}

/** A frame answered before it reached a handler. */
function refuse(
  session: ConnectionSession,
  code: WireErrorCode,
  id: string | number | undefined,
): void {
  session.runtime.observer?.refused(code);
  session.send(wireErrorFrame(code, id));
}

function replied(
  session: ConnectionSession,
  frame: InboundFrame,
  probe: Probe | undefined,
  result: unknown,
): void {
  session.reply(frame.event, frame.id, result);
  if (probe !== undefined)
    (session.runtime.observer as MessageObserver).end(probe, frame.event, 'ok');
}

/** Filters map the error (the method's first); what is left is sent as `session.fail` does. */
function failed(
  session: ConnectionSession,
  handler: CompiledHandler,
  frame: InboundFrame,
  context: MessageContext | undefined,
  probe: Probe | undefined,
  error: unknown,
): void {
  const { filters } = handler;
  let final = error;
  if (filters !== undefined) {
    for (const filter of filters) {
      try {
        const mapped = filter(error, context as MessageContext);
        if (isWsException(mapped)) {
          final = mapped;
          break;
        }
      } catch (thrown) {
        // A filter that throws replaces the error: a WsException is sent, anything else logged.
        final = thrown;
        break;
      }
    }
  }
  session.fail(handler, frame.event, frame.id, final);
  if (probe !== undefined) {
    const code = isWsException(final) ? final.code : WireErrorCode.InternalError;
    (session.runtime.observer as MessageObserver).end(probe, frame.event, code);
  }
}

function validateThenRun(
  session: ConnectionSession,
  handler: CompiledHandler,
  frame: InboundFrame,
  context: Exchange | undefined,
): unknown {
  const { validate } = handler;
  if (validate === undefined) return admit(frame.data, session, handler, context);
  return maybeThen(validate(frame.data), validated, session, handler, context);
}

function validated(
  outcome: ValidationOutcome,
  session: ConnectionSession,
  handler: CompiledHandler,
  context: Exchange | undefined,
): unknown {
  if (!outcome.ok) {
    // A failed validation costs what it took to check, against the rate limit.
    session.rateLimiter()?.charge(outcome.cost);
    throw new WsException(
      WireErrorCode.ValidationFailed,
      WIRE_ERROR_MESSAGES.validation_failed,
      outcome.details,
    );
  }
  return admit(outcome.value, session, handler, context);
}

/** With no guard, interceptor or filter there is no context: straight to the handler. */
function admit(
  body: unknown,
  session: ConnectionSession,
  handler: CompiledHandler,
  context: Exchange | undefined,
): unknown {
  if (context === undefined) return invokeHandler(handler, session.instance, session, body);
  context.body = body;
  const { guards } = handler;
  if (guards === undefined) return context.proceed(0);
  return maybeThen(runGuards(guards, context), allowed, context, undefined, undefined);
}

function allowed(verdict: boolean, context: Exchange): unknown {
  if (!verdict) throw new WsException(WireErrorCode.Forbidden, WIRE_ERROR_MESSAGES.forbidden);
  return context.proceed(0);
}

const ignore = (): void => undefined;

/** The `MessageContext` of one message, and the interceptor chain that runs on it. */
class Exchange implements MessageContext {
  readonly #session: ConnectionSession;
  readonly #handler: CompiledHandler;
  readonly event: string;
  readonly id: string | number | undefined;
  body: unknown;

  constructor(session: ConnectionSession, handler: CompiledHandler, frame: InboundFrame) {
    this.#session = session;
    this.#handler = handler;
    this.event = frame.event;
    this.id = frame.id;
    this.body = frame.data;
  }

  get connection() {
    return this.#session.connection;
  }

  get gateway() {
    return this.#handler.gateway;
  }

  get handler() {
    return this.#handler.member;
  }

  getMetadata<T = unknown>(key: unknown): T | undefined {
    return this.#handler.metadata.get(key) as T | undefined;
  }

  /**
   * Runs interceptor `index` (or, past the last, the handler). Its `next` runs the rest once:
   * a second call returns the first call's result, so one message never runs its handler twice.
   */
  proceed(index: number): unknown {
    const handler = this.#handler;
    const { interceptors } = handler;
    if (interceptors === undefined || index === interceptors.length) {
      return invokeHandler(handler, this.#session.instance, this.#session, this.body);
    }
    let state = 0; // 0 not run, 1 returned, 2 threw
    let outcome: unknown;
    const next = (): unknown => {
      if (state === 0) {
        try {
          outcome = this.proceed(index + 1);
          state = 1;
          // An interceptor that drops the promise must not leave an unhandled rejection behind.
          if (isThenable(outcome)) outcome.then(undefined, ignore);
        } catch (error) {
          outcome = error;
          state = 2;
        }
      }
      if (state === 2) throw outcome;
      return outcome;
    };
    return interceptors[index](this, next);
  }
}
