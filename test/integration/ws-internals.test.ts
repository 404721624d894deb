// With the pinned ws, the gateway corks the TCP socket under `_socket` while a handler writes,
// so the frames of one tick leave in one system call.
import { Socket } from 'node:net';
import { EXPECTED_FRAMES, corkedDuringHandler, runBursts } from './support/burst-gateway';

test('the transport under ws is found and corked while a handler writes', async () => {
  expect(await runBursts()).toEqual(EXPECTED_FRAMES);
  expect(corkedDuringHandler).toEqual([1, 1, 1]);
});

test('a socket without a usable transport is not corked', () => {
  const { transportOf, corkUntilNextTick } = jest.requireActual<
    typeof import('../../src/gateway/internals/ws')
  >('../../src/gateway/internals/ws');
  const socket = (transport: unknown) => ({ _socket: transport }) as never;
  expect(transportOf(socket(undefined))).toBeUndefined();
  expect(transportOf(socket(null))).toBeUndefined();
  expect(transportOf(socket({ cork() {}, uncork() {} }))).toBeUndefined();
  expect(corkUntilNextTick(socket({}))).toBe(false);
  const real = new Socket();
  expect(transportOf(socket(real))).toBe(real);
  real.destroy();
});
