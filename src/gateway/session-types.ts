import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { ArgumentSource } from './argument-builder';
import type { Codec, InboundFrame, OutboundFrame } from './codec';
import type { CompiledHandler } from './compiled-handler';
import type { Connection } from './connection';
import type { HeartbeatMember } from './heartbeat-sweep';
import type { Limits } from './limits';
import type { MessageObserver } from './observer';
import type { RateLimiter } from './rate-limiter';

/**
 * What a connection's session needs of its gateway's runtime. Declared here, not read off
 * `GatewayRuntime`, so the session and the runtime that creates it do not import each other.
 */
export interface SessionHost {
  readonly name: string;
  readonly limits: Readonly<Limits>;
  readonly codec: Codec;
  readonly log: FastifyBaseLogger;
  readonly registry: { add(connection: Connection): void; delete(connection: Connection): void };
  readonly heartbeat: { add(member: HeartbeatMember): void; delete(member: HeartbeatMember): void };
  /** `@OnMessage` handlers by event. */
  readonly messages: ReadonlyMap<string, CompiledHandler>;
  readonly onConnect: readonly CompiledHandler[];
  readonly onClose: readonly CompiledHandler[];
  /** Metrics and tracing of handled messages; undefined when neither is on. */
  readonly observer: MessageObserver | undefined;
  /** Whether connections keep their upgrade request after `@OnConnect`. */
  readonly keepRequest: boolean;
  /** The gateway instance of a singleton-scoped gateway; undefined when connection-scoped. */
  readonly singleton: object | undefined;
  /** Set on shutdown: frames are no longer handled. */
  readonly draining: boolean;
  /** Async handlers (and `@OnConnect`s) running, over all connections. */
  pending: number;
  instanceFor(connection: Connection, request: FastifyRequest): object | undefined;
  createRateLimiter(): RateLimiter | null;
  send(connection: Connection, frame: OutboundFrame): void;
  /** Called when an async handler settles. */
  settled(): void;
}

/** What the dispatcher needs of a connection's session to handle one message. */
export interface DispatchSession extends ArgumentSource {
  readonly runtime: SessionHost;
  readonly instance: object | undefined;
  /** Set on gateways with `resume`: takes `$ack` and repeated request ids out of the message path. */
  readonly resume?: { intercept(frame: InboundFrame): boolean };
  /** The trace context of the upgrade request, for the message spans. */
  readonly traceContext: unknown;
  /** The connection's rate limiter; `null` when the rate is unlimited. */
  rateLimiter(): RateLimiter | null;
  send(frame: OutboundFrame): void;
  /** Closes now with the code the server chose (kept for `@OnClose`). */
  closeWith(code: number, reason: string): void;
  reply(event: string, id: string | number | undefined, result: unknown): void;
  /** Answers a failed handler: a `WsException` verbatim, anything else `internal_error`. */
  fail(
    handler: CompiledHandler,
    event: string,
    id: string | number | undefined,
    error: unknown,
  ): void;
  /** Counts an async message in flight until it settles, then hands over its outcome. */
  track(result: PromiseLike<unknown>, settled: (ok: boolean, value: unknown) => void): void;
}

/** What the shared socket listeners call on a connection's session. */
export interface SocketSession {
  readonly runtime: Pick<SessionHost, 'name' | 'log'>;
  readonly connection: Connection;
  /** The heartbeat round whose ping is still unanswered; 0 when none is. */
  pingRound: number;
  receive(data: Buffer, isBinary: boolean): void;
  closed(code: number, reason: string): void;
  /** `conn.close()`: closes once the connection's running handlers have replied. */
  requestClose(code: number, reason: string): void;
  /** App shutdown: answers what is queued with `unavailable`, then closes with 1001. */
  shutdown(): void;
}
