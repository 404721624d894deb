/** Counters of one `RedisAdapter`, summed over its gateways. */
export interface RedisAdapterStats {
  /** Broadcasts sent to Redis while it was reachable (at once, or as soon as earlier ones were acknowledged). */
  published: number;
  /** Broadcasts from other processes delivered here (each once). */
  received: number;
  /** Frames sent from the replay buffer: kept through an outage (or until the first connection), or sent again for a peer that missed them. */
  replayed: number;
  /** Broadcasts that left the replay buffer (`maxFrames`/`maxAgeMs`) before Redis could take them. */
  dropped: number;
}
