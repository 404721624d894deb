import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, Errors } from '../errors';
import type { OutboundFrame } from './codec';
import type { ResumeSession } from './resume-session';

/** What a connection needs from its gateway: room bookkeeping and the frame writer. */
export interface ConnectionHost {
  joinRoom(connection: Connection, room: string): void;
  leaveRoom(connection: Connection, room: string): void;
  /** Encodes and writes one frame; never throws, never waits. */
  send(connection: Connection, frame: OutboundFrame): void;
  /** Closes after the connection's running handlers replied. */
  close(connection: Connection, code: number, reason: string): void;
}

/**
 * Throws the programmer error for an event name that is not a string: it would put invalid
 * JSON on the wire (`"event":undefined`). `where` names the call, e.g. `Connection.emit`.
 */
export function assertEventName(where: string, event: unknown): asserts event is string {
  if (typeof event !== 'string') {
    throw Errors.INVALID_ARGUMENT(
      `${where}(event, data)`,
      `event must be a string, got ${describeValue(event)}`,
    );
  }
}

/** A short, safe description of a wrong argument for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** A wrong value as a message shows it: a primitive as is, an object as `describeValue` words it. */
export function shownValue(value: unknown): string {
  // String() throws on a null-prototype object, or an array holding a symbol.
  return typeof value === 'object' && value !== null ? describeValue(value) : String(value);
}

/** A close frame holds a 2-byte code and at most 123 bytes of reason (RFC 6455). */
const MAX_CLOSE_REASON_BYTES = 123;

/** Codes an endpoint may send in a close frame (RFC 6455 section 7.4). */
function isValidCloseCode(code: unknown): boolean {
  if (typeof code !== 'number' || !Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** Internal: the connection's resumable session. */
export const kResume = Symbol('fastify-ws-gateway.resume');

/** Internal: ends a connection's room membership when its socket closed. */
export const kDetach = Symbol('fastify-ws-gateway.detach');

// A per-process random prefix keeps ids unique across processes sharing an adapter.
const ID_PREFIX = randomBytes(6).toString('base64url');
let lastId = 0;
const NO_ROOMS: ReadonlySet<string> = new Set();
/** The rooms of a closed connection: none, and none can be joined. Never added to. */
const DETACHED = NO_ROOMS as Set<string>;

/**
 * One client of a gateway. Handlers receive it (undecorated second `@OnMessage` parameter, or
 * `@ConnectedSocket()`); connection-scoped gateways can inject it in their constructor.
 *
 * @example
 * ```ts
 * @OnMessage('join')
 * join(@MessageBody() body: JoinDto, @ConnectedSocket() conn: Connection) {
 *   conn.join(body.room);
 *   conn.data.nick = body.nick;
 *   conn.emit('welcome', { id: conn.id });
 * }
 * ```
 */
export class Connection {
  /** @internal The session's numbered outbox, on gateways with `resume`. */
  [kResume]: ResumeSession | undefined = undefined;
  readonly #host: ConnectionHost;
  /** The counter until the id is first read, then the id itself. */
  #id: number | string;
  #data: Record<string, unknown> | undefined;
  /** Made by the first join; `DETACHED` once the socket closed (one field, not two). */
  #rooms: Set<string> | undefined;

  /** @internal Built by the runtime for each accepted socket. */
  constructor(
    host: ConnectionHost,
    /** The raw `ws` socket, for what the gateway does not wrap; a resume replaces it. */
    public socket: WebSocket,
    /** Route parameters of the upgrade request (`/rooms/:room` → `{ room }`). */
    readonly params: Readonly<Record<string, string>>,
    /** Query string of the upgrade request. */
    readonly query: Readonly<Record<string, unknown>>,
    /** The upgrade request headers the gateway lists in `keepHeaders`. */
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    /** A session resumed from another process keeps its id. */
    id?: string,
  ) {
    this.#host = host;
    this.#id = id ?? ++lastId;
  }

  /** True once this connection was resumed after a drop (gateways with `resume` only). */
  get resumed(): boolean {
    // Kept by the session: connections of gateways without `resume` hold no field for it.
    return this[kResume]?.resumed === true;
  }

  /** Unique across processes: a random per-process prefix and a counter. */
  get id(): string {
    const id = this.#id;
    // Made on first read: most connections are never asked, and the string is 32 bytes.
    return typeof id === 'string' ? id : (this.#id = `${ID_PREFIX}-${id.toString(36)}`);
  }

  /** Per-connection state for your own use (made on first use: idle connections stay small). */
  get data(): Record<string, unknown> {
    return (this.#data ??= {});
  }

  /** The rooms this connection is in. */
  get rooms(): ReadonlySet<string> {
    return this.#rooms ?? NO_ROOMS;
  }

  /**
   * Sends `{ event, data }` to this client only. Never waits for the flush; a no-op once closed.
   * Throws when `event` is not a string (a programmer error, caught at the call).
   */
  emit(event: string, data?: unknown): void {
    assertEventName('Connection.emit', event);
    if (this.#rooms === DETACHED) return;
    this.#host.send(this, { event, data });
  }

  /** Adds this connection to `room` at once; ignored after the connection closed. */
  join(room: string): void {
    const rooms = this.#rooms;
    if (rooms === DETACHED || rooms?.has(room) === true) return;
    (this.#rooms ??= new Set()).add(room);
    this.#host.joinRoom(this, room);
  }

  /** Removes this connection from `room` at once. */
  leave(room: string): void {
    if (this.#rooms?.delete(room) !== true) return;
    this.#host.leaveRoom(this, room);
  }

  /**
   * Closes the connection, by default with 1000 (final: the client does not reconnect). Replies
   * of this connection's running handlers, the one calling `close()` included, are sent first
   * (waiting at most `drainTimeoutMs`); frames arriving meanwhile are not handled. `@OnClose`
   * runs when the socket has closed.
   */
  close(code: number = CloseCode.Normal, reason = ''): void {
    // Checked here: the close itself may run later, after this connection's handlers replied.
    if (!isValidCloseCode(code)) {
      throw Errors.INVALID_ARGUMENT(
        'Connection.close(code, reason)',
        `code must be 1000-1003, 1007-1014 or 3000-4999, got ${describeValue(code)}`,
      );
    }
    if (typeof reason !== 'string' || Buffer.byteLength(reason) > MAX_CLOSE_REASON_BYTES) {
      throw Errors.INVALID_ARGUMENT(
        'Connection.close(code, reason)',
        `reason must be a string of at most ${MAX_CLOSE_REASON_BYTES} bytes`,
      );
    }
    // A resumable session whose client is away has no socket to close: it ends here.
    const resume = this[kResume];
    if (resume?.parked === true) resume.expire(code, reason);
    else this.#host.close(this, code, reason);
  }

  /** @internal */
  [kDetach](): void {
    const rooms = this.#rooms;
    this.#rooms = DETACHED;
    // A second detach finds DETACHED: empty.
    if (rooms !== undefined) for (const room of rooms) this.#host.leaveRoom(this, room);
  }
}
