/**
 * The one test for "is this a promise?" in the gateway layer: a promise or any object (or
 * function) with a `then` method, as `await` itself decides.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
