import { CloseCode, WIRE_ERROR_MESSAGES, WireErrorCode, WsException } from '../errors';
import type { InboundFrame } from './codec';
import type { CompiledHandler } from './compiled-handler';
import { runGuards } from './guards';
import { wireErrorFrame } from './outbound';
import type { DispatchSession as ConnectionSession } from './session-types';
import { isThenable } from './thenable';
import type { ValidationOutcome } from './validation';

/**
 * Handles one inbound message of an open connection: decode, rate limit, route by event,
 * validate, call the handler and reply. Synchronous handlers are answered in the same tick.
 */
export function dispatchMessage(session: ConnectionSession, data: Buffer, isBinary: boolean): void {
  const { runtime } = session;
  const decoded = runtime.codec.decode(data, isBinary, runtime.limits.maxDepth);
  const limiter = session.rateLimiter();
  if (limiter !== null) {
    const decision = limiter.take();
    if (decision !== 'ok') {
      // The request that crosses into abuse still gets its one frame, before the close.
      session.send(
        wireErrorFrame(WireErrorCode.RateLimited, decoded.ok ? decoded.frame.id : decoded.id),
      );
      if (decision === 'abuse') {
        session.closeWith(CloseCode.PolicyViolation, 'Rate limit exceeded for too long');
      }
      return;
    }
  }
  if (!decoded.ok) {
    session.send(wireErrorFrame(WireErrorCode.BadFrame, decoded.id));
    return;
  }
  const { frame } = decoded;
  // Resumable sessions take `$ack` and repeated request ids out of the message path.
  if (session.resume?.intercept(frame) === true) return;
  // A Map holds own keys only, so `toString` or `__proto__` never reach a handler.
  const handler = runtime.messages.get(frame.event);
  if (handler === undefined) {
    session.send(wireErrorFrame(WireErrorCode.UnknownEvent, frame.id));
    return;
  }
  const { validate } = handler;
  if (validate === undefined) {
    admit(session, handler, frame, frame.data);
    return;
  }
  let outcome: ValidationOutcome | Promise<ValidationOutcome>;
  try {
    outcome = validate(frame.data);
  } catch (error) {
    session.fail(handler, frame.event, frame.id, error);
    return;
  }
  if (isThenable(outcome)) {
    session.track(
      handler,
      frame.event,
      frame.id,
      outcome.then(callValidated(session, handler, frame.event)),
    );
  } else if (outcome.ok) {
    admit(session, handler, frame, outcome.value);
  } else {
    session.rateLimiter()?.charge(outcome.cost);
    session.send(wireErrorFrame(WireErrorCode.ValidationFailed, frame.id, outcome.details));
  }
}

/** Runs the handler's guards, if any, then the handler; a refusal is `forbidden`. */
function admit(
  session: ConnectionSession,
  handler: CompiledHandler,
  frame: InboundFrame,
  body: unknown,
): void {
  const { guards } = handler;
  if (guards === undefined) {
    invoke(session, handler, frame, body);
    return;
  }
  let verdict: boolean | Promise<boolean>;
  try {
    verdict = runGuards(guards, { connection: session.connection, event: frame.event, body });
  } catch (error) {
    session.fail(handler, frame.event, frame.id, error);
    return;
  }
  if (verdict === true) invoke(session, handler, frame, body);
  else if (verdict === false) session.send(wireErrorFrame(WireErrorCode.Forbidden, frame.id));
  else
    session.track(
      handler,
      frame.event,
      frame.id,
      verdict.then(callAdmitted(session, handler, body)),
    );
}

function invoke(
  session: ConnectionSession,
  handler: CompiledHandler,
  frame: InboundFrame,
  body: unknown,
): void {
  let result: unknown;
  try {
    result = call(session, handler, body);
  } catch (error) {
    session.fail(handler, frame.event, frame.id, error);
    return;
  }
  if (isThenable(result)) session.track(handler, frame.event, frame.id, result);
  else session.reply(frame.event, frame.id, result);
}

// After an async validation the guards and the handler run in the same tracked promise chain.
function callValidated(session: ConnectionSession, handler: CompiledHandler, event: string) {
  return (outcome: ValidationOutcome): unknown => {
    if (!outcome.ok) {
      throw new WsException(
        WireErrorCode.ValidationFailed,
        WIRE_ERROR_MESSAGES.validation_failed,
        outcome.details,
      );
    }
    const body = outcome.value;
    if (handler.guards === undefined) return call(session, handler, body);
    const admitted = callAdmitted(session, handler, body);
    const verdict = runGuards(handler.guards, { connection: session.connection, event, body });
    return verdict === true || verdict === false ? admitted(verdict) : verdict.then(admitted);
  };
}

function callAdmitted(session: ConnectionSession, handler: CompiledHandler, body: unknown) {
  return (allowed: boolean): unknown => {
    if (!allowed) throw new WsException(WireErrorCode.Forbidden, WIRE_ERROR_MESSAGES.forbidden);
    return call(session, handler, body);
  };
}

function call(session: ConnectionSession, handler: CompiledHandler, body: unknown): unknown {
  return handler.method.apply(session.instance, handler.buildArguments(session, body));
}
