import type { AdapterChannel } from '../gateway/adapter';
import type { RedisAdapterStats } from './redis-adapter-stats';

/** Why a gateway's link to Redis is in trouble. */
export type OutageCause = 'unreachable' | 'stalled' | 'overflow';

const CAUSES: Record<OutageCause, string> = {
  unreachable: 'Redis is unreachable',
  stalled: 'Redis has not answered for 2 s',
  overflow: 'broadcasts are emitted faster than Redis takes them',
};

/**
 * One stretch of time during which a gateway could not hand its broadcasts to Redis (down,
 * stalled, or not keeping up): one warn when it starts, one info with the counts when it ends.
 */
export class OutageReport {
  private readonly since = Date.now();
  private readonly before: RedisAdapterStats;

  constructor(
    private readonly channel: AdapterChannel,
    private readonly stats: RedisAdapterStats,
    cause: OutageCause,
    error: Error | undefined,
    queue: { maxFrames: number; maxAgeMs: number },
  ) {
    this.before = { ...stats };
    channel.log.warn(
      { err: error, path: channel.path, cause },
      `RedisAdapter: ${CAUSES[cause]} for gateway "${channel.path}": local delivery goes on; broadcasts to other processes wait in a bounded queue (${queue.maxFrames} frames / ${queue.maxAgeMs} ms) and frames missed here are read from Redis when it answers`,
    );
  }

  end(now: number): void {
    const { channel, stats, before } = this;
    const durationMs = now - this.since;
    const counts = {
      published: stats.published - before.published,
      replayed: stats.replayed - before.replayed,
      dropped: stats.dropped - before.dropped,
    };
    channel.log.info(
      { path: channel.path, durationMs, ...counts },
      `RedisAdapter: Redis takes broadcasts again for gateway "${channel.path}" after ${durationMs} ms: ${counts.published} frames published, ${counts.replayed} read from history, ${counts.dropped} dropped`,
    );
  }
}
