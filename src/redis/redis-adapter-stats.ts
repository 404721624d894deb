/** Counters of one `RedisAdapter`, summed over its gateways. */
export interface RedisAdapterStats {
  /** Frames Redis took (one per channel: an emit to three rooms publishes three). */
  published: number;
  /** Broadcasts from other processes delivered here (each once), live or from a channel's history. */
  received: number;
  /** Of `received`, those read from a channel's history: missed live (a reconnect, a gap) and caught up. */
  replayed: number;
  /**
   * Broadcasts lost, each counted once where it was lost: frames this process emitted and dropped
   * from its queue before Redis took them (`replayBuffer` bounds), plus frames of subscribed
   * channels that were gone from the channel's history before this process could read them.
   */
  dropped: number;
  /** Messages on the adapter's channels that were not in its format (another app, another version); skipped. */
  malformed: number;
}
