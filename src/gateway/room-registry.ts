import type { AdapterLink, Broadcast } from './adapter';

/** Who hears when a room gets its first member in this process, or loses its last. */
export type RoomHooks = Pick<AdapterLink, 'roomAdded' | 'roomRemoved'>;
import type { Connection } from './connection';

/** This process's connections of one gateway, and who is in which room. */
export class RoomRegistry {
  readonly connections = new Set<Connection>();
  private readonly rooms = new Map<string, Set<Connection>>();
  private hooks: RoomHooks = {};

  /** Reports first joins and last leaves to `hooks` (the adapter link), rooms already in use included. */
  watch(hooks: RoomHooks): void {
    this.hooks = hooks;
    for (const room of this.rooms.keys()) hooks.roomAdded?.(room);
  }

  add(connection: Connection): void {
    this.connections.add(connection);
  }

  delete(connection: Connection): void {
    this.connections.delete(connection);
  }

  join(connection: Connection, room: string): void {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.rooms.set(room, members);
      members.add(connection);
      this.hooks.roomAdded?.(room);
      return;
    }
    members.add(connection);
  }

  /** Called only for a room the connection is in (the connection keeps its own set). */
  leave(connection: Connection, room: string): void {
    const members = this.rooms.get(room) as Set<Connection>;
    members.delete(connection);
    // Empty rooms are dropped so room names from clients cannot grow the map forever.
    if (members.size > 0) return;
    this.rooms.delete(room);
    this.hooks.roomRemoved?.(room);
  }

  /** The connections of `room`, or all of them. */
  members(room?: string): Connection[] {
    if (room === undefined) return [...this.connections];
    const members = this.rooms.get(room);
    return members === undefined ? [] : [...members];
  }

  /** Calls `write` once for every connection `broadcast` selects. */
  forEachRecipient(broadcast: Broadcast, write: (connection: Connection) => void): void {
    const { rooms } = broadcast;
    const filtered = broadcast.exceptIds.length > 0 || broadcast.exceptRooms.length > 0;
    if (rooms.length <= 1) {
      const members = rooms.length === 0 ? this.connections : this.rooms.get(rooms[0]);
      if (members === undefined) return;
      for (const connection of members) {
        if (!filtered || !isExcepted(connection, broadcast)) write(connection);
      }
      return;
    }
    // A connection in several of the target rooms still gets the frame once.
    const seen = new Set<Connection>();
    for (const room of rooms) {
      const members = this.rooms.get(room);
      if (members === undefined) continue;
      for (const connection of members) {
        if (seen.has(connection)) continue;
        seen.add(connection);
        if (!filtered || !isExcepted(connection, broadcast)) write(connection);
      }
    }
  }
}

function isExcepted(connection: Connection, broadcast: Broadcast): boolean {
  if (broadcast.exceptIds.includes(connection.id)) return true;
  for (const room of broadcast.exceptRooms) if (connection.rooms.has(room)) return true;
  return false;
}
