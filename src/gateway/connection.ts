import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { OutboundFrame } from './codec';

/** What a connection needs from its gateway: room bookkeeping and the frame writer. */
export interface ConnectionHost {
  joinRoom(connection: Connection, room: string): void;
  leaveRoom(connection: Connection, room: string): void;
  /** Encodes and writes one frame; never throws, never waits. */
  send(connection: Connection, frame: OutboundFrame): void;
}

/** Internal: ends a connection's room membership when its socket closed. */
export const kDetach = Symbol('fastify-ws-gateway.detach');

// A per-process random prefix keeps ids unique across processes sharing an adapter.
const ID_PREFIX = randomBytes(6).toString('base64url');
let lastId = 0;
const NO_ROOMS: ReadonlySet<string> = new Set();

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
  /** Unique across processes: a random per-process prefix and a counter. */
  readonly id: string;
  readonly #host: ConnectionHost;
  #data: Record<string, unknown> | undefined;
  #rooms: Set<string> | undefined;
  #detached = false;

  /** @internal Built by the runtime for each accepted socket. */
  constructor(
    host: ConnectionHost,
    /** The raw `ws` socket, for what the gateway does not wrap. */
    readonly socket: WebSocket,
    /** Route parameters of the upgrade request (`/rooms/:room` → `{ room }`). */
    readonly params: Readonly<Record<string, string>>,
    /** Query string of the upgrade request. */
    readonly query: Readonly<Record<string, unknown>>,
    /** The upgrade request headers the gateway lists in `keepHeaders`. */
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
  ) {
    this.#host = host;
    this.id = `${ID_PREFIX}-${(++lastId).toString(36)}`;
  }

  /** Per-connection state for your own use (made on first use: idle connections stay small). */
  get data(): Record<string, unknown> {
    return (this.#data ??= {});
  }

  /** The rooms this connection is in. */
  get rooms(): ReadonlySet<string> {
    return this.#rooms ?? NO_ROOMS;
  }

  /** Sends `{ event, data }` to this client only. Never waits for the flush; a no-op once closed. */
  emit(event: string, data?: unknown): void {
    if (this.#detached) return;
    this.#host.send(this, { event, data });
  }

  /** Adds this connection to `room` at once; ignored after the connection closed. */
  join(room: string): void {
    if (this.#detached || this.#rooms?.has(room)) return;
    (this.#rooms ??= new Set()).add(room);
    this.#host.joinRoom(this, room);
  }

  /** Removes this connection from `room` at once. */
  leave(room: string): void {
    if (this.#rooms?.delete(room) !== true) return;
    this.#host.leaveRoom(this, room);
  }

  /** Closes the connection (default code 1000); `@OnClose` runs when the socket has closed. */
  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** @internal */
  [kDetach](): void {
    this.#detached = true;
    const rooms = this.#rooms;
    if (rooms === undefined) return;
    for (const room of rooms) this.#host.leaveRoom(this, room);
    rooms.clear();
  }
}
