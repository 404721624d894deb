import { RateLimiter } from '../../../src/gateway/rate-limiter';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('accepts a full burst at once, then refuses', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(3, 1, 10_000, clock.now);
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual(['ok', 'ok', 'ok']);
    expect(limiter.take()).toBe('limited');
  });

  it('refills at perSecond tokens per second, never above the burst', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(2, 10, 10_000, clock.now);
    limiter.take();
    limiter.take();
    expect(limiter.take()).toBe('limited');
    clock.advance(100); // one token at 10/s
    expect(limiter.take()).toBe('ok');
    expect(limiter.take()).toBe('limited');
    clock.advance(60_000); // a long pause refills to the burst, not to 600
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual(['ok', 'ok', 'limited']);
  });

  it('keeps fractional tokens between calls', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 10, 10_000, clock.now);
    limiter.take();
    clock.advance(50); // half a token
    expect(limiter.take()).toBe('limited');
    clock.advance(50); // the other half
    expect(limiter.take()).toBe('ok');
  });

  it('reports abuse when refusals continue for the whole abuse window', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 1, 5_000, clock.now);
    limiter.take();
    const decisions: string[] = [];
    // A refused message every 100 ms; a token comes back each second and is spent at once.
    for (let elapsed = 0; elapsed <= 5_000; elapsed += 100) {
      decisions.push(limiter.take());
      clock.advance(100);
    }
    expect(decisions).toContain('limited');
    expect(decisions.at(-1)).toBe('abuse');
    expect(decisions.indexOf('abuse')).toBe(decisions.length - 1);
  });

  it('stays abusive while the excess continues', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 0.1, 1_000, clock.now);
    limiter.take();
    expect(limiter.take()).toBe('limited');
    clock.advance(500);
    expect(limiter.take()).toBe('limited');
    clock.advance(500);
    expect(limiter.take()).toBe('abuse');
    expect(limiter.take()).toBe('abuse');
  });

  it('starts a new excess period after a calm second, so bursty but polite clients are never abusive', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 0.1, 3_000, clock.now);
    limiter.take();
    expect(limiter.take()).toBe('limited');
    // Refused again every 1.5 s: each gap is longer than the calm second, so the window restarts.
    for (let i = 0; i < 10; i++) {
      clock.advance(1_500);
      expect(limiter.take()).not.toBe('abuse');
    }
  });

  it('a gap of exactly one second still counts as the same excess period', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 0.01, 2_000, clock.now);
    limiter.take();
    expect(limiter.take()).toBe('limited');
    clock.advance(1_000);
    expect(limiter.take()).toBe('limited');
    clock.advance(1_000);
    expect(limiter.take()).toBe('abuse');
  });

  it('never limits with an infinite rate', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, Infinity, 1_000, clock.now);
    for (let i = 0; i < 1_000; i++) {
      clock.advance(1);
      expect(limiter.take()).toBe('ok');
    }
  });

  it('never limits with an infinite rate, even for many messages in the same millisecond', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, Infinity, 1_000, clock.now);
    for (let i = 0; i < 100; i++) expect(limiter.take()).toBe('ok');
  });

  it('does not lose tokens when the wall clock steps backwards', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(2, 1, 10_000, clock.now);
    clock.advance(-5_000);
    expect([limiter.take(), limiter.take()]).toEqual(['ok', 'ok']);
  });

  it('uses the wall clock by default', () => {
    const limiter = new RateLimiter(2, 1, 10_000);
    expect(limiter.take()).toBe('ok');
    expect(limiter.take()).toBe('ok');
    expect(limiter.take()).toBe('limited');
  });
});
