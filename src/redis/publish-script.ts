import type { ChannelKeys } from './channel-keys';

/**
 * Publishes one frame on one channel, atomically: takes the channel's next offset (starting a
 * new epoch when Redis has no counter: first use, expiry, or a restart that lost it), appends
 * the frame to the channel's history (trimmed to about ARGV[3] entries, expiring after ARGV[4]
 * ms of silence) and publishes it. Returns `{ epoch, offset }`.
 * KEYS: meta, history. ARGV: epoch candidate, frame, max history, ttl ms, PUBLISH|SPUBLISH, channel.
 */
export const PUBLISH_SCRIPT = `local e = redis.call('HGET', KEYS[1], 'e')
if not e then
  e = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', e)
end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local m = e .. ' ' .. n .. '\\n' .. ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], n .. '-0', 'm', m)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call(ARGV[5], ARGV[6], m)
return {e, n}`;

/** The commands of the ioredis client (`Redis` or `Cluster`) the adapter uses to publish and read history. */
export interface PublishingClient {
  readonly status: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  xrange(
    key: string,
    start: string,
    end: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]][]>;
}

export interface HistoryBounds {
  /** Frames kept per channel (approximately: Redis trims whole stream nodes). */
  readonly maxFrames: number;
  /** A channel's history and counter expire after this long without a publish. */
  readonly ttlMs: number;
}

export function runPublish(
  client: PublishingClient,
  keys: ChannelKeys,
  epochCandidate: string,
  message: string,
  bounds: HistoryBounds,
  sharded: boolean,
): Promise<unknown> {
  return client.eval(
    PUBLISH_SCRIPT,
    2,
    keys.meta,
    keys.history,
    epochCandidate,
    message,
    bounds.maxFrames,
    bounds.ttlMs,
    sharded ? 'SPUBLISH' : 'PUBLISH',
    keys.channel,
  );
}
