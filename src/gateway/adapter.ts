import type { FastifyBaseLogger } from 'fastify';

/**
 * One emit, encoded once: the bytes every recipient gets, and who the recipients are.
 * Rooms are matched against each process's own membership at delivery time.
 */
export interface Broadcast {
  /** The encoded server frame `{ event, data }`, exactly as written to each socket. */
  readonly payload: string | Buffer;
  /** Deliver only to connections in at least one of these rooms; empty means every connection. */
  readonly rooms: readonly string[];
  /** Skip connections in any of these rooms. */
  readonly exceptRooms: readonly string[];
  /** Skip connections with these ids (ids are unique across processes). */
  readonly exceptIds: readonly string[];
}

/** What the runtime gives an adapter for one gateway route of one app. */
export interface AdapterChannel {
  /** The gateway's full route pattern, prefix included (e.g. `/rooms/:room`): processes serving the same path share broadcasts. */
  readonly path: string;
  /** The app's logger. */
  readonly log: FastifyBaseLogger;
  /** Delivers a broadcast that came from another process to this process's matching connections. */
  deliver(broadcast: Broadcast): void;
}

/** The adapter's side of one channel: where the runtime sends broadcasts made in this process. */
export interface AdapterLink {
  /**
   * Called after the runtime delivered `broadcast` locally: forward it to the other processes.
   * Must not throw and must not block on the transport.
   */
  publish(broadcast: Broadcast): void;
  /**
   * Called when the first connection of this process joins `room`: from now on the process wants
   * the room's broadcasts. Optional: an adapter that moves every broadcast everywhere ignores it.
   */
  roomAdded?(room: string): void;
  /** Called when the last connection of this process leaves `room` (or closes). Optional. */
  roomRemoved?(room: string): void;
  /** Called on `app.close()`: stop listening and release timers (not the user's clients). */
  close(): Promise<void>;
}

/**
 * Carries broadcasts between processes serving the same gateway path. Local delivery is the
 * runtime's job; an adapter only moves broadcasts to and from the other processes.
 */
export interface GatewayAdapter {
  /** Called once per gateway route when the app starts. */
  open(channel: AdapterChannel): AdapterLink;
}
