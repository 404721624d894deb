import { Errors } from '../errors';
import type { ClusterAnswer, ClusterRequest, ClusterSelection } from './adapter';
import { Connection, assertEventName, describeValue } from './connection';
import type { RemoteConnection } from './gateway-cluster';

/** Where a `GatewayServer` sends its broadcasts and cluster-wide operations: the gateway's runtime. */
export interface BroadcastTarget {
  broadcast(
    event: string,
    data: unknown,
    rooms: readonly string[],
    exceptRooms: readonly string[],
    exceptIds: readonly string[],
  ): void;
  fetchConnections(room?: string): Connection[];
  /** Runs `request` on every process (this one too when `here`); rejects with `ClusterTimeoutError`. */
  clusterRequest(
    request: ClusterRequest,
    operation: string,
    here: boolean,
  ): Promise<ClusterAnswer[]>;
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

  /**
   * The selected connections of every process serving the gateway path: `{ id, rooms, data,
   * node }`, `data` a JSON copy of `conn.data`. Rejects with `ClusterTimeoutError` when a live
   * process does not answer within `clusterTimeoutMs`.
   *
   * @example
   * const members = await server.to('lobby').fetchAll();
   */
  async fetchAll(): Promise<RemoteConnection[]> {
    const answers = await this.run({ op: 'fetch', selection: this.selection() }, 'fetchAll()');
    return answers.flatMap((answer) =>
      ((answer as { value: unknown }).value as Omit<RemoteConnection, 'node'>[]).map((conn) => ({
        ...conn,
        node: answer.node,
      })),
    );
  }

  /** Makes every selected connection, on every process, join `room`. */
  async joinAll(room: string): Promise<void> {
    checkRoom('joinAll', room);
    await this.run(
      { op: 'join', selection: this.selection(), room },
      `joinAll(${JSON.stringify(room)})`,
    );
  }

  /** Makes every selected connection, on every process, leave `room`. */
  async leaveAll(room: string): Promise<void> {
    checkRoom('leaveAll', room);
    await this.run(
      { op: 'leave', selection: this.selection(), room },
      `leaveAll(${JSON.stringify(room)})`,
    );
  }

  /**
   * Closes every selected connection, on every process, with `code` (default 1000; else
   * 3000-4999) and `reason` (at most 123 bytes). `@OnClose` runs on each connection's process.
   */
  async disconnectAll(code?: number, reason?: string): Promise<void> {
    checkClose(code, reason);
    const request: ClusterRequest = { op: 'disconnect', selection: this.selection() };
    await this.run(
      code === undefined
        ? request
        : { ...request, code, ...(reason === undefined ? {} : { reason }) },
      'disconnectAll()',
    );
  }

  private selection(): ClusterSelection {
    return { rooms: this.rooms, exceptRooms: this.exceptRooms, exceptIds: this.exceptIds };
  }

  /** Runs an operation everywhere; an error answer (a process that failed to run it) rejects. */
  private async run(request: ClusterRequest, operation: string): Promise<ClusterAnswer[]> {
    const answers = await this.target.clusterRequest(request, operation, true);
    for (const answer of answers) {
      if (!answer.ok) {
        throw new Error(`${operation} failed on process ${answer.node}: ${answer.error.message}`);
      }
    }
    return answers;
  }
}

function checkRoom(method: string, room: unknown): void {
  if (typeof room !== 'string' || room === '') {
    throw Errors.INVALID_ARGUMENT(`${method}(room)`, 'room must be a non-empty string');
  }
}

function checkClose(code: unknown, reason: unknown): void {
  const validCode =
    code === undefined ||
    code === 1000 ||
    (Number.isInteger(code) && (code as number) >= 3000 && (code as number) <= 4999);
  if (!validCode) {
    throw Errors.INVALID_ARGUMENT(
      'disconnectAll(code)',
      `code must be 1000 or an integer from 3000 to 4999, got ${String(code)}`,
    );
  }
  if (reason !== undefined && (typeof reason !== 'string' || Buffer.byteLength(reason) > 123)) {
    throw Errors.INVALID_ARGUMENT(
      'disconnectAll(code, reason)',
      'reason must be a string of at most 123 bytes (a close frame limit)',
    );
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

  /**
   * Sends `event` with `data` (as JSON) to every other process serving the gateway path; each
   * answers through its `@OnServerEvent(event)` handler. Resolves with their answers (`ok:
   * false` with the error where a handler threw); with the in-memory adapter there are no other
   * processes, so `[]`. Rejects with `ClusterTimeoutError` when a live process does not answer
   * within `clusterTimeoutMs`.
   *
   * @example
   * const answers = await server.serverSideEmit('reload', { key: 'k' });
   */
  async serverSideEmit(event: string, data?: unknown): Promise<ClusterAnswer[]> {
    const where = `serverSideEmit(${typeof event === 'string' ? JSON.stringify(event) : '…'})`;
    if (typeof event !== 'string' || event === '') {
      throw Errors.INVALID_ARGUMENT(where, 'the event name must be a non-empty string');
    }
    try {
      JSON.stringify(data);
    } catch (error) {
      throw Errors.INVALID_ARGUMENT(
        where,
        `data must be JSON-serializable to cross processes (${(error as Error).message})`,
      );
    }
    const request: ClusterRequest =
      data === undefined ? { op: 'event', event } : { op: 'event', event, data };
    return this.#target.clusterRequest(request, where, false);
  }
}
