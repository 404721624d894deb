import { isThenable } from './thenable';

/**
 * `next(value, a, b, c)` now when `value` is plain, after it resolves when it is a thenable:
 * one pipeline for both paths, and no closure or promise on the synchronous one.
 *
 * @example
 * return maybeThen(validate(body), afterValidation, session, handler, frame);
 */
export function maybeThen<T, A, B, C, R>(
  value: T | PromiseLike<T>,
  next: (value: T, a: A, b: B, c: C) => R,
  a: A,
  b: B,
  c: C,
): R | Promise<Awaited<R>> {
  if (!isThenable(value)) return next(value, a, b, c);
  return Promise.resolve(value).then((resolved) => next(resolved, a, b, c)) as Promise<Awaited<R>>;
}
