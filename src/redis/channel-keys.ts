/**
 * The Redis names of one channel: the pub/sub channel, the hash with its epoch and last offset,
 * and the stream with its history. All three share one hash tag, so in Redis Cluster they live
 * in one slot (the publish script touches them together) and different rooms spread over shards.
 */
export interface ChannelKeys {
  /** The pub/sub channel, e.g. `{chat:/rooms/:room#lobby}`. */
  readonly channel: string;
  /** Hash `{ e: epoch, n: last offset }`. */
  readonly meta: string;
  /** Stream of the last frames, entry ids `<offset>-0`, one field `m` with the channel message. */
  readonly history: string;
  /** The room, or undefined for the gateway-wide channel. */
  readonly room: string | undefined;
}

/**
 * `{<prefix>:<path>}` for the gateway-wide channel, `{<prefix>:<path>#<room>}` for a room. The room
 * is percent-encoded, so no room name can end the hash tag early or pass for another channel.
 */
export function channelKeys(prefix: string, path: string, room?: string): ChannelKeys {
  const tag =
    room === undefined ? `${prefix}:${path}` : `${prefix}:${path}#${encodeURIComponent(room)}`;
  const channel = `{${tag}}`;
  return { channel, meta: `${channel}:meta`, history: `${channel}:history`, room };
}
