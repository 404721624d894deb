/**
 * When and how soon the client reconnects: capped exponential backoff with jitter, and the
 * close codes after which it stays away.
 */

/** Backoff settings of `connect(url, { reconnect })`. */
export interface ReconnectOptions {
  /** Delay before the first attempt. Default 500 ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay. Default 10000 ms. */
  readonly maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor: number;
}

/**
 * How long a connection must stay open before the backoff starts over. A server that accepts
 * and closes at once (a failing `@OnConnect`) thus sees the delay grow to `maxDelayMs`.
 */
export const STABLE_CONNECTION_MS = 5_000;

export const DEFAULT_RECONNECT: ReconnectOptions = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  factor: 2,
};

/**
 * Delay before reconnect attempt `attempt` (1-based). Half of it is fixed and half random,
 * so clients dropped together by a restart spread out, yet none retries instantly.
 */
export function reconnectDelay(
  attempt: number,
  options: ReconnectOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * options.factor ** (attempt - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// Close codes that mean "the server went away, come back": shutdown (1001), no status (1005),
// abnormal drop (1006), server error (1011), restart (1012), overload (1013), bad gateway (1014).
const RETRYABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  1001, 1005, 1006, 1011, 1012, 1013, 1014,
]);

/**
 * Whether a close with this code is followed by a reconnect. Every other code is final:
 * 1000 (the server ended the conversation), 1008 (policy), 1009 (too big), 4000–4999
 * (application codes the server chose), protocol errors.
 */
export function isRetryableClose(code: number): boolean {
  return RETRYABLE_CLOSE_CODES.has(code);
}

/** Fills missing backoff settings with the defaults and checks them; undefined when reconnect is off. */
export function resolveReconnect(
  option: boolean | Partial<ReconnectOptions> | undefined,
): ReconnectOptions | undefined {
  if (option === false) return undefined;
  const resolved = {
    ...DEFAULT_RECONNECT,
    ...(option === true || option === undefined ? {} : option),
  };
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const) {
    if (!(resolved[key] >= 0) || !Number.isFinite(resolved[key])) {
      throw new TypeError(
        `connect(): reconnect.${key} must be a finite number >= 0, got ${resolved[key]}`,
      );
    }
  }
  if (!(resolved.factor >= 1) || !Number.isFinite(resolved.factor)) {
    throw new TypeError(
      `connect(): reconnect.factor must be a finite number >= 1, got ${resolved.factor}`,
    );
  }
  return resolved;
}
