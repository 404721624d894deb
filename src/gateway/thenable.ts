/**
 * The one test for "is this a promise?" in the gateway layer: a promise or any object (or
 * function) with a `then` method, as `await` itself decides. A `then` getter that throws counts
 * as thenable: `Promise.resolve()` of it rejects with that error, so the request is still answered.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as PromiseLike<unknown>).then === 'function';
  } catch {
    return true;
  }
}
