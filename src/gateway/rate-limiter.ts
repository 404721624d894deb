/** `ok`: accept; `limited`: answer `rate_limited`; `abuse`: excess lasted too long, close 1008. */
export type RateDecision = 'ok' | 'limited' | 'abuse';

/** How long without a refused message ends an excess period. */
const CALM_MS = 1000;

/**
 * A per-connection token bucket: `burst` messages at once, refilled at `perSecond`. Refused
 * messages that keep coming for `abuseWindowMs` (no calm second between them) are abuse.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private excessSince = -1;
  private lastRefused = -Infinity;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly abuseWindowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /**
   * Takes `tokens` more for work a message caused beyond its own token (validating a large
   * body). The debt is capped at one burst, so a client waits at most two bursts' refill.
   */
  charge(tokens: number): void {
    this.tokens = Math.max(this.tokens - tokens, -this.burst);
  }

  take(): RateDecision {
    if (this.perSecond === Infinity) return 'ok';
    const now = this.now();
    // Only time that moved forward refills: a wall clock stepping back must not take tokens away.
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    }
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    if (now - this.lastRefused > CALM_MS) this.excessSince = now;
    this.lastRefused = now;
    return now - this.excessSince >= this.abuseWindowMs ? 'abuse' : 'limited';
  }
}
