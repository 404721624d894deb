import { randomBytes } from 'node:crypto';

/** One line said in a room, as `said` carries it. */
export interface ChatLine {
  /** Unique across restarts: a page that caught up through `history` skips lines it has. */
  id: string;
  user: string;
  text: string;
  /** When the server received it (ISO 8601). */
  at: string;
}

/**
 * The recent lines of each room, kept in this process so a page whose session could not be
 * resumed (after a server restart, or a drop longer than `maxDisconnectionMs`) fetches what it
 * missed. Several processes would keep this in a shared store instead.
 */
export class ChatHistory {
  /** Ids of this process's lines start with it, so they never repeat an earlier process's. */
  private readonly prefix = randomBytes(6).toString('base64url');
  private next = 1;
  private readonly rooms = new Map<string, ChatLine[]>();

  constructor(private readonly keep = 200) {}

  /** Records a line said in `room` and returns it with its id. */
  add(room: string, line: Omit<ChatLine, 'id'>): ChatLine {
    const said = { id: `${this.prefix}.${this.next++}`, ...line };
    const lines = this.rooms.get(room) ?? [];
    lines.push(said);
    if (lines.length > this.keep) lines.shift();
    this.rooms.set(room, lines);
    return said;
  }

  /** The lines after `since` when it is still kept; otherwise every kept line, oldest first. */
  since(room: string, since?: string): ChatLine[] {
    const lines = this.rooms.get(room) ?? [];
    const index = since === undefined ? -1 : lines.findIndex((line) => line.id === since);
    return lines.slice(index + 1);
  }
}
