import { Errors } from '../errors';
import { Connection, assertEventName, describeValue } from './connection';

/** Where a `GatewayServer` sends its broadcasts: the gateway's runtime. */
export interface BroadcastTarget {
  broadcast(
    event: string,
    data: unknown,
    rooms: readonly string[],
    exceptRooms: readonly string[],
    exceptIds: readonly string[],
  ): void;
  fetchConnections(room?: string): Connection[];
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * A selection of a gateway's connections, built by `to()` / `except()`. Immutable: each call
 * returns a new operator, so a shared `server.to('a')` can be reused safely.
 */
export class BroadcastOperator {
  /** @internal */
  constructor(
    private readonly target: BroadcastTarget,
    private readonly rooms: readonly string[] = NONE,
    private readonly exceptRooms: readonly string[] = NONE,
    private readonly exceptIds: readonly string[] = NONE,
  ) {}

  /** Narrows to connections in `room` (several `to()` calls: in any of the rooms). */
  to(room: string | readonly string[]): BroadcastOperator {
    const rooms: readonly unknown[] = Array.isArray(room) ? room : [room];
    for (const name of rooms) {
      if (typeof name !== 'string') {
        throw Errors.INVALID_ARGUMENT(
          'GatewayServer.to(room)',
          `room must be a string or an array of strings, got ${describeValue(name)}`,
        );
      }
    }
    return new BroadcastOperator(
      this.target,
      this.rooms.concat(room),
      this.exceptRooms,
      this.exceptIds,
    );
  }

  /** Leaves out one connection, or every connection in a room. */
  except(connectionOrRoom: Connection | string): BroadcastOperator {
    if (typeof connectionOrRoom !== 'string' && !(connectionOrRoom instanceof Connection)) {
      throw Errors.INVALID_ARGUMENT(
        'GatewayServer.except(connectionOrRoom)',
        `expected a Connection or a room name, got ${describeValue(connectionOrRoom)}`,
      );
    }
    return typeof connectionOrRoom === 'string'
      ? new BroadcastOperator(
          this.target,
          this.rooms,
          this.exceptRooms.concat(connectionOrRoom),
          this.exceptIds,
        )
      : new BroadcastOperator(
          this.target,
          this.rooms,
          this.exceptRooms,
          this.exceptIds.concat(connectionOrRoom.id),
        );
  }

  /**
   * Sends `{ event, data }` to the selected connections of every process (through the
   * adapter). Encoded once; returns at once and never throws on transport trouble. Throws
   * when `event` is not a string (a programmer error, caught at the call).
   */
  emit(event: string, data?: unknown): void {
    assertEventName('GatewayServer.emit', event);
    this.target.broadcast(event, data, this.rooms, this.exceptRooms, this.exceptIds);
  }
}

/**
 * One gateway's broadcaster; inject it in the gateway's (or any service's) constructor.
 *
 * @example
 * ```ts
 * @Gateway('/rooms/:room')
 * class ChatGateway {
 *   constructor(private readonly server: GatewayServer) {}
 *   @OnMessage('say') say(body: SayDto, conn: Connection) {
 *     this.server.to(conn.params.room).except(conn).emit('said', body);
 *   }
 * }
 * ```
 */
export class GatewayServer extends BroadcastOperator {
  readonly #target: BroadcastTarget;

  /** @internal One per gateway, built by `bootstrap()`. */
  constructor(target: BroadcastTarget) {
    super(target);
    this.#target = target;
  }

  /** This process's connections of the gateway, or of one room, right now. */
  fetchConnections(room?: string): Connection[] {
    return this.#target.fetchConnections(room);
  }
}
