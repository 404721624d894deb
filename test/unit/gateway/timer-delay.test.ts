import { MAX_TIMER_MS, timerDelay } from '../../../src/gateway/timer-delay';

describe('timerDelay', () => {
  it('keeps delays a timer can wait, and caps longer ones instead of letting them fire at once', () => {
    expect(timerDelay(5000)).toBe(5000);
    expect(timerDelay(MAX_TIMER_MS)).toBe(MAX_TIMER_MS);
    expect(timerDelay(3e9)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Infinity)).toBe(MAX_TIMER_MS);
  });
});
