import { Errors } from '../errors';
import { shownValue } from './connection';

/** Limits of a gateway, per connection but for `maxConnections`; see docs/limits.md. */
export interface Limits {
  /** Largest inbound frame in bytes; larger closes the connection with 1009. */
  readonly maxPayload: number;
  /** Deepest JSON nesting of a frame, envelope included; deeper is `bad_frame`. */
  readonly maxDepth: number;
  /**
   * From the upgrade request to the end of `@OnConnect`, route hooks included: past it the
   * upgrade is answered 503 if still HTTP, else the connection is closed with 1011.
   */
  readonly connectTimeoutMs: number;
  /** Ping interval; `Infinity` turns the heartbeat off. */
  readonly pingIntervalMs: number;
  /** A ping not answered within this terminates the connection. */
  readonly pongTimeoutMs: number;
  /** Outbound bytes queued on the socket before it is closed with 1013. */
  readonly maxBufferedBytes: number;
  /** Token bucket size: messages accepted at once. */
  readonly rateBurst: number;
  /** Token refill per second; `Infinity` turns rate limiting off. */
  readonly ratePerSecond: number;
  /** Handlers running at once per connection; past it the socket is paused, nothing dropped. */
  readonly maxInFlight: number;
  /** On shutdown, how long in-flight handlers may finish before close 1001. */
  readonly drainTimeoutMs: number;
  /** Open connections of this gateway in this process; past it upgrades are answered 503. */
  readonly maxConnections: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxPayload: 65536,
  maxDepth: 32,
  connectTimeoutMs: 10_000,
  pingIntervalMs: 25_000,
  pongTimeoutMs: 20_000,
  maxBufferedBytes: 1024 * 1024,
  rateBurst: 100,
  ratePerSecond: 50,
  maxInFlight: 16,
  drainTimeoutMs: 5_000,
  // No cap: what a process can hold depends on the machine and the app, and a guessed number
  // would refuse real users at scale. Refusing unauthenticated upgrades is the hooks' job.
  maxConnections: Infinity,
});

/** How long rate-limit excess may last before the connection is closed with 1008. */
export const ABUSE_WINDOW_MS = 10_000;

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];

/**
 * Merges partial limit objects over the defaults, later layers winning, and checks each value:
 * a positive number (`Infinity` allowed for the timers and the rate). `owner` names where the
 * bad value came from in the error.
 */
export function resolveLimits(
  owner: string,
  ...layers: (Partial<Limits> | undefined)[]
): Readonly<Limits> {
  const merged: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const key of Object.keys(layer)) {
      if (!LIMIT_KEYS.includes(key as keyof Limits)) {
        throw Errors.INVALID_LIMIT(key, owner, `one of ${LIMIT_KEYS.join(', ')}`, 'an unknown key');
      }
      const value = (layer as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
        throw Errors.INVALID_LIMIT(
          key,
          owner,
          'a positive number',
          typeof value === 'string' ? JSON.stringify(value) : shownValue(value),
        );
      }
      merged[key] = value;
    }
  }
  return Object.freeze(merged) as unknown as Readonly<Limits>;
}
