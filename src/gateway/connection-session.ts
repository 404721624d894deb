import type { FastifyRequest } from 'fastify';
import { CloseCode, WireErrorCode, isWsException } from '../errors';
import type { OutboundFrame } from './codec';
import { invokeHandler, type CompiledHandler } from './compiled-handler';
import { kDetach, type Connection } from './connection';
import { dispatchMessage } from './dispatcher';
import type { HeartbeatMember } from './heartbeat-sweep';
import { chosenClose, closeSocket, errorFrame, replyFrame, wireErrorFrame } from './outbound';
import { compactRequestId, requestIdText, type CompactRequestId } from './request-id';
import { listenTo } from './session-listeners';
import type { DispatchSession, SessionHost, SocketSession } from './session-types';
import { isThenable } from './thenable';
import { timerDelay } from './timer-delay';
import type { RateLimiter } from './rate-limiter';
import type { ResumeSession } from './resume-session';

// Bits of `flags`: one field instead of five, each a field of its own on every session.
/** The socket closed. */
const CLOSED = 1;
/** An async `@OnConnect` is running. */
const CONNECT_PENDING = 2;
/** Reading from the socket is paused. */
const PAUSED = 4;
/** A frame is being handled synchronously: a `conn.close()` then waits for its reply. */
const DISPATCHING = 8;
/** The heartbeat watches this connection (see heartbeat-sweep.ts). */
const WATCHED = 64;
/** The state, two bits of `flags`: `@OnConnect` still running (neither bit), open, or refused. */
const STATE = 48;
const CONNECTING = 0;
const OPEN = 16;
/** `@OnConnect` failed or timed out, or a frame was too big: no more frames are handled. */
const REFUSED = 32;

/**
 * What only some connections need (resume, tracing, an async `@OnConnect`, a close), made on
 * first use so an idle connection's session stays small.
 */
class SessionExtras {
  /** The connection-scoped gateway instance (a singleton lives on the runtime). */
  instance: object | undefined = undefined;
  /** Kept only while `@OnConnect` runs, or for good when a handler takes the request. */
  request: FastifyRequest | undefined = undefined;
  /** Frames waiting for `@OnConnect` or a free in-flight slot: data, isBinary, data, … */
  backlog: (Buffer | boolean)[] | undefined = undefined;
  resume: ResumeSession | undefined = undefined;
  traceContext: unknown = undefined;
  connectTimer: NodeJS.Timeout | undefined = undefined;
  /** A `conn.close()` waiting for this connection's running handlers to reply. */
  closeRequest: { readonly code: number; readonly reason: string } | undefined = undefined;
  /** Ends a `conn.close()` whose handlers are still running at `drainTimeoutMs`. */
  closeTimer: NodeJS.Timeout | undefined = undefined;
  closeCode: number | undefined = undefined;
  closeReason: string | undefined = undefined;
}

/**
 * The lifecycle of one connection: frames queued until `@OnConnect` settles, handlers in
 * flight, backpressure, heartbeat, and `@OnClose` exactly once.
 */
export class ConnectionSession implements DispatchSession, SocketSession, HeartbeatMember {
  pingRound = 0;
  private flags = 0;
  private inFlight = 0;
  private limiter: RateLimiter | null | undefined = undefined;
  private extras: SessionExtras | undefined = undefined;
  /** The upgrade request's id, for log lines (Fastify's default ids as their counter). */
  private readonly requestId: CompactRequestId;

  constructor(
    readonly runtime: SessionHost,
    readonly connection: Connection,
    requestId: string,
  ) {
    this.requestId = compactRequestId(requestId);
  }

  /** The gateway instance serving this connection: the runtime's singleton, or its own. */
  get instance(): object | undefined {
    return this.extras?.instance ?? this.runtime.singleton;
  }

  /** Kept only while `@OnConnect` runs, or for good when a handler takes the request. */
  get request(): FastifyRequest | undefined {
    return this.extras?.request;
  }

  set request(request: FastifyRequest | undefined) {
    if (request !== undefined || this.extras !== undefined) this.more().request = request;
  }

  /** Frames waiting for `@OnConnect` or a free in-flight slot; undefined when none wait. */
  private get backlog(): (Buffer | boolean)[] | undefined {
    return this.extras?.backlog;
  }

  private set backlog(backlog: (Buffer | boolean)[] | undefined) {
    if (backlog !== undefined || this.extras !== undefined) this.more().backlog = backlog;
  }

  get watched(): boolean {
    return (this.flags & WATCHED) !== 0;
  }

  set watched(watched: boolean) {
    this.flags = watched ? this.flags | WATCHED : this.flags & ~WATCHED;
  }

  private get state(): number {
    return this.flags & STATE;
  }

  private set state(state: number) {
    this.flags = (this.flags & ~STATE) | state;
  }

  /** Set on gateways with `resume`: the numbered outbox and the drop/resume state. */
  get resume(): ResumeSession | undefined {
    return this.extras?.resume;
  }

  set resume(resume: ResumeSession | undefined) {
    this.more().resume = resume;
  }

  /** The upgrade request's trace context, when tracing is on. */
  get traceContext(): unknown {
    return this.extras?.traceContext;
  }

  /** The close code, for `@OnClose`. */
  get closeCode(): number | undefined {
    return this.extras?.closeCode;
  }

  get closeReason(): string | undefined {
    return this.extras?.closeReason;
  }

  /**
   * Runs in the tick the socket opened: listeners first, then `@OnConnect`, which must finish
   * by `deadline` (the upgrade request's, so the hooks' time counts). A session `adopted` from
   * another process had its `@OnConnect` there.
   */
  start(request: FastifyRequest, deadline: number, adopted = false): void {
    const { runtime, connection } = this;
    if (runtime.observer !== undefined)
      this.more().traceContext = runtime.observer.opened(request.headers);
    listenTo(connection.socket, this);
    runtime.registry.add(connection);
    runtime.heartbeat.add(this);
    try {
      const instance = runtime.instanceFor(connection, request);
      // A singleton is read off the runtime: only a connection-scoped instance is kept here.
      if (instance !== runtime.singleton) this.more().instance = instance;
    } catch (error) {
      this.refuse(`${runtime.name} could not be constructed`, error);
      return;
    }
    if (runtime.onConnect.length === 0 || adopted) {
      this.state = OPEN;
      if (runtime.keepRequest) this.request = request;
      return;
    }
    this.request = request;
    this.backlog = [];
    this.connectFrom(0, deadline);
  }

  /** The connection's rate limiter, made on first use; `null` when the rate is unlimited. */
  rateLimiter(): RateLimiter | null {
    if (this.limiter === undefined) this.limiter = this.runtime.createRateLimiter();
    return this.limiter;
  }

  receive(data: Buffer, isBinary: boolean): void {
    if (this.state === REFUSED) return;
    if (data.length > this.runtime.limits.maxPayload) {
      this.logMisbehaviour(`frame of ${data.length} bytes is above maxPayload; closing with 1009`);
      this.closeWith(CloseCode.MessageTooBig, 'Message too big');
      return;
    }
    if (this.backlog === undefined) {
      this.handle(data, isBinary);
      return;
    }
    this.backlog.push(data, isBinary);
    // While frames wait, stop reading more: TCP pushes back on the client, nothing is dropped.
    const { maxInFlight } = this.runtime.limits;
    if ((this.flags & PAUSED) === 0 && this.backlog.length >= 2 * maxInFlight) this.pause();
  }

  /** Sends a frame to this connection; never throws, never waits. */
  send(frame: OutboundFrame): void {
    this.runtime.send(this.connection, frame);
  }

  reply(event: string, id: string | number | undefined, result: unknown): void {
    const frame = replyFrame(event, id, result);
    if (frame !== undefined) this.send(frame);
  }

  /** A `WsException` is sent verbatim; anything else is logged and answered `internal_error`. */
  fail(
    handler: CompiledHandler,
    event: string,
    id: string | number | undefined,
    error: unknown,
  ): void {
    if (isWsException(error)) {
      this.send(errorFrame(error.code, error.message, error.details, id));
      return;
    }
    this.logFailure(error, `${handler.label} threw`, event);
    this.send(wireErrorFrame(WireErrorCode.InternalError, id));
  }

  /** Counts an async message in flight until it settles, then hands over its outcome; pauses at the limit. */
  track(result: PromiseLike<unknown>, settled: (ok: boolean, value: unknown) => void): void {
    this.runtime.pending++;
    if (++this.inFlight >= this.runtime.limits.maxInFlight && this.backlog === undefined) {
      this.backlog = [];
      this.pause();
    }
    Promise.resolve(result).then(
      (value) => {
        settled(true, value);
        this.settle();
      },
      (error: unknown) => {
        settled(false, error);
        this.settle();
      },
    );
  }

  /**
   * `conn.close()`: closes once this connection's running handlers (the one calling it
   * included) have replied, or at `drainTimeoutMs`. Frames arriving meanwhile are not handled.
   */
  requestClose(code: number, reason: string): void {
    if (this.state === REFUSED) return;
    this.state = REFUSED;
    if (this.inFlight === 0 && (this.flags & DISPATCHING) === 0) {
      this.closeWith(code, reason);
      return;
    }
    const extras = this.more();
    extras.closeRequest = { code, reason };
    const { drainTimeoutMs } = this.runtime.limits;
    if (drainTimeoutMs === Infinity) return;
    const delay = timerDelay(drainTimeoutMs);
    extras.closeTimer = setTimeout(() => this.closeWith(code, reason), delay).unref();
  }

  /**
   * The server ends the connection now with `code`: no more frames are handled, and a peer
   * that does not complete the close handshake within `drainTimeoutMs` is cut off.
   */
  closeWith(code: number, reason: string): void {
    this.state = REFUSED;
    const { extras } = this;
    if (extras !== undefined) {
      extras.closeRequest = undefined;
      clearTimeout(extras.closeTimer);
    }
    closeSocket(this.connection.socket, code, reason, this.runtime.limits.drainTimeoutMs);
  }

  /**
   * App shutdown, after the drain: requests still waiting get `unavailable`, then close 1001.
   */
  shutdown(): void {
    const { backlog } = this;
    this.backlog = undefined;
    if (backlog !== undefined) {
      for (let i = 0; i < backlog.length; i += 2) {
        this.refuseDraining(backlog[i] as Buffer, backlog[i + 1] as boolean);
      }
    }
    this.closeWith(CloseCode.GoingAway, 'Server shutting down');
  }

  /** The socket closed (any reason): release everything, then `@OnClose` once. */
  closed(code: number, reason: string): void {
    const { extras, runtime } = this;
    clearTimeout(extras?.closeTimer);
    // The code the server chose, also when the peer never completed the handshake (ws: 1006).
    const chosen = chosenClose(this.connection.socket);
    // A dropped resumable session waits for its client instead (see resume-session.ts).
    const resume = extras?.resume;
    if (resume?.socketClosed(chosen?.code ?? code, runtime.draining) === true) {
      if (resume.parked) runtime.heartbeat.delete(this);
      return;
    }
    this.flags |= CLOSED;
    this.state = REFUSED;
    // Only `@OnClose` reads them: a gateway without one makes nothing more on close.
    if (runtime.onClose.length > 0) {
      const more = this.more();
      more.closeCode = chosen?.code ?? code;
      more.closeReason = chosen?.reason ?? reason;
    }
    this.backlog = undefined;
    runtime.observer?.closed(code);
    runtime.heartbeat.delete(this);
    this.connection[kDetach]();
    runtime.registry.delete(this.connection);
    // A pending @OnConnect settles (or hits its deadline) first; @OnClose runs from there.
    if ((this.flags & CONNECT_PENDING) !== 0) return;
    // An async @OnConnect made `extras` for its timer before this call.
    clearTimeout(extras?.connectTimer);
    this.runCloseHandlers();
  }

  /** Runs `@OnConnect` handlers from `index`; an async one must finish by `deadline`. */
  private connectFrom(index: number, deadline: number): void {
    const handlers = this.runtime.onConnect;
    for (let i = index; i < handlers.length; i++) {
      const handler = handlers[i];
      let result: unknown;
      try {
        result = invokeHandler(handler, this.instance, this, undefined);
      } catch (error) {
        this.refuse(`${handler.label} threw`, error);
        return;
      }
      if (isThenable(result)) {
        this.flags |= CONNECT_PENDING;
        this.runtime.pending++;
        // Only an async @OnConnect needs the deadline; synchronous ones are done already.
        const extras = this.more();
        if (extras.connectTimer === undefined && deadline !== Infinity) {
          const delay = timerDelay(Math.max(0, deadline - Date.now()));
          extras.connectTimer = setTimeout(() => this.connectTimedOut(), delay).unref();
        }
        Promise.resolve(result).then(
          () => this.connectSettled(() => this.connectFrom(i + 1, deadline)),
          (error: unknown) =>
            this.connectSettled(() => this.refuse(`${handler.label} threw`, error)),
        );
        return;
      }
    }
    this.opened();
  }

  private connectSettled(next: () => void): void {
    // Not pending any more: the deadline passed and the connection was given up.
    if ((this.flags & CONNECT_PENDING) === 0) return;
    this.flags &= ~CONNECT_PENDING;
    this.runtime.settled();
    if ((this.flags & CLOSED) === 0) {
      if (this.state === CONNECTING) next();
      return;
    }
    clearTimeout(this.extras!.connectTimer);
    this.runCloseHandlers();
  }

  /** `connectTimeoutMs` passed with an `@OnConnect` still pending: stop waiting for it. */
  private connectTimedOut(): void {
    this.flags &= ~CONNECT_PENDING;
    this.runtime.settled();
    if ((this.flags & CLOSED) !== 0) this.runCloseHandlers();
    else {
      const { runtime } = this;
      this.refuse(
        `${runtime.name}: @OnConnect did not finish within ${runtime.limits.connectTimeoutMs} ms`,
      );
    }
  }

  private opened(): void {
    clearTimeout(this.extras?.connectTimer);
    this.state = OPEN;
    if (!this.runtime.keepRequest) this.request = undefined;
    this.pump();
  }

  /** Ends a connection whose setup failed: close 1011, no message handler runs. */
  private refuse(message: string, error?: unknown): void {
    clearTimeout(this.extras?.connectTimer);
    this.state = REFUSED;
    this.backlog = undefined;
    this.logFailure(error, `${message}; closing with 1011`, undefined);
    this.closeWith(CloseCode.InternalError, 'Connection setup failed');
  }

  private handle(data: Buffer, isBinary: boolean): void {
    if (this.runtime.draining) {
      this.refuseDraining(data, isBinary);
      return;
    }
    this.flags |= DISPATCHING;
    try {
      dispatchMessage(this, data, isBinary);
    } catch (error) {
      // Only a codec breaking its never-throw contract gets here; the process must survive it.
      this.logFailure(error, `${this.runtime.name}: frame handling failed`, undefined);
    }
    this.flags &= ~DISPATCHING;
    if (this.extras?.closeRequest !== undefined && this.inFlight === 0) this.closeRequested();
  }

  /** A request that arrives while the app drains gets `unavailable`: retry elsewhere. */
  private refuseDraining(data: Buffer, isBinary: boolean): void {
    const { runtime } = this;
    const decoded = runtime.codec.decode(data, isBinary, runtime.limits.maxDepth);
    const id = decoded.ok ? decoded.frame.id : decoded.id;
    if (id !== undefined) this.send(wireErrorFrame(WireErrorCode.Unavailable, id));
  }

  private settle(): void {
    this.inFlight--;
    this.runtime.settled();
    if (this.extras?.closeRequest !== undefined && this.inFlight === 0) this.closeRequested();
    else if (this.backlog !== undefined && this.state === OPEN) this.pump();
  }

  private closeRequested(): void {
    const { code, reason } = this.extras!.closeRequest!;
    this.closeWith(code, reason);
  }

  /** Handles waiting frames in order until none is left or the in-flight limit is hit again. */
  private pump(): void {
    const backlog = this.backlog;
    this.backlog = undefined;
    if (backlog !== undefined) {
      for (let i = 0; i < backlog.length; i += 2) {
        // A conn.close() from a handler: the frames after it are not handled.
        if (this.state !== OPEN) return;
        if (this.backlog !== undefined) {
          this.backlog = backlog.slice(i);
          return;
        }
        this.handle(backlog[i] as Buffer, backlog[i + 1] as boolean);
      }
    }
    if ((this.flags & PAUSED) !== 0 && this.backlog === undefined) {
      this.flags &= ~PAUSED;
      this.connection.socket.resume();
    }
  }

  private pause(): void {
    this.flags |= PAUSED;
    this.connection.socket.pause();
  }

  private more(): SessionExtras {
    return (this.extras ??= new SessionExtras());
  }

  /** Starts the `@OnClose` handlers; a gateway without one has nothing to start. */
  private runCloseHandlers(): void {
    const { instance } = this;
    const { runtime } = this;
    if (instance === undefined || runtime.onClose.length === 0) return;
    // Counted as running, so a drain waits for them.
    runtime.pending++;
    void this.closeHandlers(instance).then(() => runtime.settled());
  }

  private async closeHandlers(instance: object): Promise<void> {
    for (const handler of this.runtime.onClose) {
      try {
        await invokeHandler(handler, instance, this, undefined);
      } catch (error) {
        this.logFailure(error, `${handler.label} threw`, undefined);
      }
    }
    this.request = undefined;
  }

  /**
   * Client misbehaviour is the client's problem: logged at info. Once per connection: each
   * such fault refuses the connection, which then handles no more frames.
   */
  private logMisbehaviour(message: string): void {
    const { runtime } = this;
    runtime.log.info(
      { connectionId: this.connection.id, reqId: requestIdText(this.requestId) },
      `${runtime.name}: ${message}`,
    );
  }

  private logFailure(error: unknown, message: string, event: string | undefined): void {
    this.runtime.log.error(
      { err: error, connectionId: this.connection.id, event, reqId: requestIdText(this.requestId) },
      message,
    );
  }
}
