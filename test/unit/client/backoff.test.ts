import {
  DEFAULT_RECONNECT,
  isRetryableClose,
  reconnectDelay,
  resolveReconnect,
} from 'fastify-ws-gateway/client/backoff';

describe('reconnectDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };

  test('grows by factor per attempt and never exceeds maxDelayMs', () => {
    const highest = (attempt: number): number => reconnectDelay(attempt, options, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test('jitter keeps every delay between half and all of the backoff step', () => {
    expect(reconnectDelay(3, options, () => 0)).toBe(200);
    expect(reconnectDelay(3, options, () => 0.5)).toBe(300);
    for (let attempt = 1; attempt <= 20; attempt++) {
      const delay = reconnectDelay(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });
});

describe('isRetryableClose', () => {
  test.each([1001, 1005, 1006, 1011, 1012, 1013, 1014])(
    '%i: the server went away, come back',
    (code) => {
      expect(isRetryableClose(code)).toBe(true);
    },
  );

  test.each([1000, 1002, 1003, 1007, 1008, 1009, 1010, 3000, 4000, 4500, 4999])(
    '%i: final, stay away',
    (code) => {
      expect(isRetryableClose(code)).toBe(false);
    },
  );
});

describe('resolveReconnect', () => {
  test('true and undefined mean the defaults; false turns reconnect off', () => {
    expect(resolveReconnect(undefined)).toEqual(DEFAULT_RECONNECT);
    expect(resolveReconnect(true)).toEqual(DEFAULT_RECONNECT);
    expect(resolveReconnect(false)).toBeUndefined();
  });

  test('a partial object keeps the defaults for missing keys', () => {
    expect(resolveReconnect({ maxDelayMs: 50 })).toEqual({ ...DEFAULT_RECONNECT, maxDelayMs: 50 });
  });

  test.each([
    [{ initialDelayMs: -1 }, /reconnect.initialDelayMs/],
    [{ maxDelayMs: Number.NaN }, /reconnect.maxDelayMs/],
    [{ maxDelayMs: Infinity }, /reconnect.maxDelayMs/],
    [{ factor: 0.9 }, /reconnect.factor/],
  ])('refuses %p naming the option', (option, message) => {
    expect(() => resolveReconnect(option)).toThrow(message);
  });
});
