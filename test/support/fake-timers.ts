/** Every API Jest can fake that Node has (the animation and idle callbacks are the browser's). */
const NODE_FAKEABLE: readonly FakeableAPI[] = [
  'Date',
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

/**
 * Fakes only `faked` and leaves Node's other timers real, so sockets keep working while a test
 * moves the clock: e.g. `fakeOnly('Date')` for a limiter that reads the time.
 */
export function fakeOnly(...faked: FakeableAPI[]): void {
  jest.useFakeTimers({ doNotFake: NODE_FAKEABLE.filter((api) => !faked.includes(api)) });
}
