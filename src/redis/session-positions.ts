import type { Broadcast } from '../gateway/adapter';
import { channelKeys } from './channel-keys';
import { HISTORY_PAGE, type ChannelReader } from './channel-reader';
import type { PublishingClient } from './publish-script';
import { decodeFrame, toBroadcast } from './redis-wire';

/** Where a session's broadcasts stood: the link that held it, its last emit, and each channel's position. */
export interface SessionMark {
  readonly l: string;
  readonly q: number;
  /** Channel (`''` for the gateway's, else the room) → `<epoch> <offset>`, or null when unknown. */
  readonly o: Readonly<Record<string, string | null>>;
}

/** What the position functions need of a link. */
export interface PositionContext {
  readonly client: PublishingClient;
  readonly prefix: string;
  readonly path: string;
  /** The link's reader of a room's channel (`undefined`: the gateway's channel), if it has one. */
  reader(room: string | undefined): ChannelReader | undefined;
}

/**
 * Where the link's delivery stands on the channels a session in `rooms` hears: what such a
 * session has had. The link's own emits are delivered locally at once, so the sequence number
 * `seq` of its last one counts them whatever their offset.
 */
export function markOf(
  context: PositionContext,
  link: string,
  seq: number,
  rooms: readonly string[],
): SessionMark {
  const offsets: Record<string, string | null> = {};
  for (const room of [undefined, ...rooms]) {
    offsets[room ?? ''] = context.reader(room)?.position() ?? null;
  }
  return { l: link, q: seq, o: offsets };
}

/**
 * Whether each channel of `rooms` still has every frame after `mark` in its history: same
 * epoch, and its first entry after the mark is the next offset (or nothing came since).
 */
export async function isComplete(
  context: PositionContext,
  mark: SessionMark,
  rooms: readonly string[],
): Promise<boolean> {
  const { client, prefix, path } = context;
  for (const room of [undefined, ...rooms]) {
    const from = parsePosition(mark?.o?.[room ?? '']);
    if (from === undefined) return false;
    const keys = channelKeys(prefix, path, room);
    const [[epoch, head], entries] = await Promise.all([
      client.hmget(keys.meta, 'e', 'n'),
      client.xrange(keys.history, String(from.offset + 1), '+', 'COUNT', 1),
    ]);
    if (from.epoch === '-' && head === null) continue; // still nothing published
    if ((from.epoch !== '-' && epoch !== from.epoch) || head === null) return false;
    if (Number(head) === from.offset) continue;
    if (parseInt(entries[0]?.[0] ?? '', 10) !== from.offset + 1) return false;
  }
  return true;
}

/**
 * The broadcasts a session just adopted here (already in `rooms`, so the link delivers it
 * everything after its channels' current positions) has not had since `mark`: read from each
 * channel's history, in order per channel. Rejects when part of them is gone (history trimmed
 * or expired, Redis lost the counter, a position unknown) or Redis fails: never a partial list.
 */
export async function readMissed(
  context: PositionContext,
  mark: SessionMark,
  rooms: readonly string[],
): Promise<Broadcast[]> {
  const channels = [undefined, ...rooms];
  // Taken now, in the tick the session joined: later frames reach it live.
  const ends = channels.map((room) => {
    const reader = context.reader(room);
    return reader?.position() ?? reader?.headKnown;
  });
  const found: Broadcast[] = [];
  for (let i = 0; i < channels.length; i++) {
    const room = channels[i];
    const [from, to] = [parsePosition(mark?.o?.[room ?? '']), parsePosition(await ends[i])];
    if (from === undefined || to === undefined) throw new Error('position unknown');
    // A channel without a counter when the mark was taken: all of its current epoch is new.
    const start = from.epoch === '-' || from.epoch === to.epoch ? from.offset : -1;
    if (start < 0) throw new Error('the channel started a new epoch');
    const keys = channelKeys(context.prefix, context.path, room);
    for (let next = start + 1; next <= to.offset;) {
      const entries = await context.client.xrange(
        keys.history,
        String(next),
        String(to.offset),
        'COUNT',
        HISTORY_PAGE,
      );
      for (const [id, fields] of entries) {
        // Entries are written by the publish script: one field, `m`.
        const frame = decodeFrame(fields[1]);
        if (parseInt(id, 10) !== next || frame?.epoch !== to.epoch) throw new Error('history gone');
        next++;
        if (frame.header.s === mark.l && frame.header.q <= mark.q) continue;
        found.push(toBroadcast(frame, room));
      }
      if (entries.length === 0) throw new Error('history gone');
    }
  }
  return found;
}

function parsePosition(text: unknown): { epoch: string; offset: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const [epoch, offset] = text.split(' ');
  const value = Number(offset);
  return Number.isSafeInteger(value) && value >= 0 ? { epoch, offset: value } : undefined;
}
