import { DEFAULT_LIMITS, resolveLimits } from '../../../src/gateway/limits';

describe('resolveLimits', () => {
  it('returns the defaults of DESIGN.md when nothing is overridden', () => {
    expect(resolveLimits('ChatGateway')).toEqual({
      maxPayload: 65536,
      maxDepth: 32,
      connectTimeoutMs: 10000,
      pingIntervalMs: 25000,
      pongTimeoutMs: 20000,
      maxBufferedBytes: 1048576,
      rateBurst: 100,
      ratePerSecond: 50,
      maxInFlight: 16,
      drainTimeoutMs: 5000,
      maxConnections: Infinity,
    });
    expect(Object.isFrozen(resolveLimits('ChatGateway'))).toBe(true);
  });

  it('merges partial layers, later ones winning, and skips undefined values', () => {
    const limits = resolveLimits('ChatGateway', { maxDepth: 8, rateBurst: 5 }, undefined, {
      rateBurst: 7,
      ratePerSecond: Infinity,
      maxPayload: undefined,
    });
    expect(limits).toEqual({
      ...DEFAULT_LIMITS,
      maxDepth: 8,
      rateBurst: 7,
      ratePerSecond: Infinity,
    });
  });

  it.each([
    [{ maxDepth: 0 }, /Limit "maxDepth" of ChatGateway must be a positive number, got 0/],
    [{ maxPayload: -1 }, /got -1/],
    [{ rateBurst: Number.NaN }, /got NaN/],
    [{ maxInFlight: '4' }, /got "4"/],
  ])('refuses %p with a message naming the key and the gateway', (layer, message) => {
    expect(() => resolveLimits('ChatGateway', layer as never)).toThrow(message);
  });

  it('refuses unknown keys and lists the known ones', () => {
    expect(() => resolveLimits('ChatGateway', { maxPayLoad: 1 } as never)).toThrow(
      /Limit "maxPayLoad" of ChatGateway must be one of maxPayload, maxDepth/,
    );
  });
});
