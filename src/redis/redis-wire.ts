import type { Broadcast } from '../gateway/adapter';

/**
 * What travels on a channel and is kept in its history: a first line `<epoch> <offset>` written
 * by Redis (the publish script), one JSON header line from the sender, then the frame exactly as
 * the sender encoded it, so a frame is serialized once per emit and never re-escaped.
 */
export interface FrameHeader {
  /** Id of the sending link (one per gateway route per app). */
  readonly s: string;
  /** The sender's sequence number: increases with each emit of that link, over all its channels. */
  readonly q: number;
  readonly r: readonly string[];
  readonly x: readonly string[];
  readonly i: readonly string[];
  /** 1 when the payload was a Buffer (sent as base64). */
  readonly b: 0 | 1;
}

/** A frame as read from a channel or its history. */
export interface ChannelFrame {
  /** Which incarnation of the channel's counter assigned `offset` (a new one after Redis lost it). */
  readonly epoch: string;
  /** Position on the channel, assigned by Redis: 1, 2, 3… within an epoch. */
  readonly offset: number;
  readonly header: FrameHeader;
  readonly body: string;
}

/** The sender's part of a channel message; Redis prepends the epoch and offset line. */
export function encodeFrame(sender: string, seq: number, broadcast: Broadcast): string {
  const binary = typeof broadcast.payload !== 'string';
  const header: FrameHeader = {
    s: sender,
    q: seq,
    r: broadcast.rooms,
    x: broadcast.exceptRooms,
    i: broadcast.exceptIds,
    b: binary ? 1 : 0,
  };
  const body = binary ? broadcast.payload.toString('base64') : (broadcast.payload as string);
  return `${JSON.stringify(header)}\n${body}`;
}

/** Reads a channel message; anything not in this format (another app, an older version) gives undefined. */
export function decodeFrame(message: string): ChannelFrame | undefined {
  const first = message.indexOf('\n');
  const second = first < 0 ? -1 : message.indexOf('\n', first + 1);
  if (second < 0) return undefined;
  const [epoch, offsetText, extra] = message.slice(0, first).split(' ');
  const offset = Number(offsetText);
  if (!epoch || extra !== undefined || !Number.isSafeInteger(offset) || offset < 1)
    return undefined;
  let header: FrameHeader;
  try {
    header = JSON.parse(message.slice(first + 1, second));
  } catch {
    return undefined;
  }
  if (!isHeader(header)) return undefined;
  return { epoch, offset, header, body: message.slice(second + 1) };
}

function isHeader(header: FrameHeader): boolean {
  return (
    typeof header?.s === 'string' &&
    Number.isSafeInteger(header.q) &&
    isStrings(header.r) &&
    isStrings(header.x) &&
    isStrings(header.i)
  );
}

function isStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * The broadcast as a process subscribed to `room`'s channel delivers it. An emit to several rooms
 * is published on each room's channel; the copy on room i skips members of the rooms listed before
 * it, so a connection in two of the rooms gets the frame once, from the first room it is in.
 */
export function toBroadcast(frame: ChannelFrame, room: string | undefined): Broadcast {
  const { header, body } = frame;
  const payload = header.b === 1 ? Buffer.from(body, 'base64') : body;
  if (room === undefined) {
    return { payload, rooms: header.r, exceptRooms: header.x, exceptIds: header.i };
  }
  const earlier = header.r.slice(0, Math.max(0, header.r.indexOf(room)));
  return {
    payload,
    rooms: [room],
    exceptRooms: earlier.length === 0 ? header.x : [...header.x, ...earlier],
    exceptIds: header.i,
  };
}
