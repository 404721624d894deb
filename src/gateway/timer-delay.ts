/** The longest delay Node's timers honour; longer ones (and Infinity) fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A limit in ms as a timer delay: values beyond what a timer can wait (Infinity included) wait
 * as long as a timer can, about 24 days, instead of firing at once.
 */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
