import type { AdapterChannel } from '../gateway/adapter';

/** What an outage report reads from its link: the gateway, the buffer limits and the replay count. */
export interface OutageContext {
  readonly channel: AdapterChannel;
  readonly maxFrames: number;
  readonly maxAgeMs: number;
  replayed(): number;
}

/**
 * One stretch of time during which a gateway could not reach Redis: one warn when it is known
 * to have started, one info with the counts when it ends. A link opens inside a silent report,
 * so broadcasts emitted before the first connection are counted too; connecting normally logs nothing.
 */
export class OutageReport {
  /** Broadcasts emitted while Redis was unreachable. */
  buffered = 0;
  /** Broadcasts that left the replay buffer before Redis could take them. */
  dropped = 0;
  private readonly since = Date.now();
  private readonly replayedBefore: number;
  private warned = false;

  constructor(private readonly context: OutageContext) {
    this.replayedBefore = context.replayed();
  }

  warn(error: Error | undefined): void {
    if (this.warned) return;
    this.warned = true;
    const { channel, maxFrames, maxAgeMs } = this.context;
    channel.log.warn(
      { err: error, path: channel.path },
      `RedisAdapter: Redis is unreachable for gateway "${channel.path}": local delivery goes on; broadcasts to other processes wait in the replay buffer (${maxFrames} frames / ${maxAgeMs} ms) until it is back`,
    );
  }

  end(now: number): void {
    if (!this.warned) return;
    const { channel } = this.context;
    const durationMs = now - this.since;
    const replayed = this.context.replayed() - this.replayedBefore;
    const counts = { buffered: this.buffered, replayed, dropped: this.dropped };
    channel.log.info(
      { path: channel.path, durationMs, ...counts },
      `RedisAdapter: Redis is reachable again for gateway "${channel.path}" after ${durationMs} ms: ${counts.buffered} broadcasts were emitted meanwhile, ${replayed} frames replayed, ${counts.dropped} dropped`,
    );
  }
}
