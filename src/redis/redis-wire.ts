import type { Broadcast } from '../gateway/adapter';

/**
 * What travels on a gateway's Redis channel: one JSON header line, then (for data) the frame
 * exactly as the sender encoded it, so a frame is serialized once per emit and never re-escaped.
 */
export type WireHeader = DataHeader | HeadHeader | ReplayRequestHeader | ReplayStartHeader;

interface FromSender {
  /** Id of the sending link (one per gateway route per app). */
  readonly s: string;
  /** A sequence number; its meaning depends on `t`. */
  readonly n: number;
}

/** A broadcast: `n` is its sequence number, `a` when it was emitted (ms since epoch). */
export interface DataHeader extends FromSender {
  readonly t: 'd';
  readonly a: number;
  readonly r: readonly string[];
  readonly x: readonly string[];
  readonly i: readonly string[];
  /** 1 when the payload was a Buffer (sent as base64). */
  readonly b: 0 | 1;
}

/** The sender's last sequence number; `q: 1` asks every peer to announce theirs too. */
export interface HeadHeader extends FromSender {
  readonly t: 'h';
  readonly q: 0 | 1;
}

/** Asks sender `to` to publish again its frames from `n`, or (when `a` > 0) those emitted since `a`. */
export interface ReplayRequestHeader extends FromSender {
  readonly t: 'r';
  readonly to: string;
  readonly a: number;
}

/** Answers a replay request from `to`: the frames from `n` follow; older ones are gone. */
export interface ReplayStartHeader extends FromSender {
  readonly t: 'p';
  readonly to: string;
}

export interface WireMessage {
  readonly header: WireHeader;
  readonly body: string;
}

export function encodeData(sender: string, seq: number, at: number, broadcast: Broadcast): string {
  const binary = typeof broadcast.payload !== 'string';
  const header: DataHeader = {
    t: 'd',
    s: sender,
    n: seq,
    a: at,
    r: broadcast.rooms,
    x: broadcast.exceptRooms,
    i: broadcast.exceptIds,
    b: binary ? 1 : 0,
  };
  const body = binary ? broadcast.payload.toString('base64') : (broadcast.payload as string);
  return `${JSON.stringify(header)}\n${body}`;
}

export function encodeControl(
  header: HeadHeader | ReplayRequestHeader | ReplayStartHeader,
): string {
  return `${JSON.stringify(header)}\n`;
}

/** Reads a channel message; anything that is not ours (another tool on the channel) gives undefined. */
export function decodeMessage(message: string): WireMessage | undefined {
  const end = message.indexOf('\n');
  if (end < 0) return undefined;
  let header: WireHeader;
  try {
    header = JSON.parse(message.slice(0, end));
  } catch {
    return undefined;
  }
  if (typeof header?.s !== 'string' || !Number.isInteger(header.n)) return undefined;
  return { header, body: message.slice(end + 1) };
}

export function toBroadcast(header: DataHeader, body: string): Broadcast {
  return {
    payload: header.b === 1 ? Buffer.from(body, 'base64') : body,
    rooms: header.r,
    exceptRooms: header.x,
    exceptIds: header.i,
  };
}
