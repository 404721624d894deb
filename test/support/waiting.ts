/** Waiting helpers shared by the suites: on events and deadlines, never on fixed sleeps. */

/** Rejects with `label` when `promise` has not settled within `ms`; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `condition()` holds, checking on every turn of the event loop. Bounded by
 * `turns` and, so a busy machine does not fail it early, by at least 5 s.
 */
export async function until(condition: () => boolean, turns = 5000): Promise<void> {
  const deadline = Date.now() + 5000;
  for (let i = 0; i < turns || Date.now() < deadline; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

/** A promise with its resolve function, for handlers a test wants to hold open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
