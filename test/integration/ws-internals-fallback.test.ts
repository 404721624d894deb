// Without ws's `_socket` (as with a version that renamed it), frames are written one send at a
// time: the same frames in the same order, nothing corked.
import { EXPECTED_FRAMES, corkedDuringHandler, runBursts } from './support/burst-gateway';

jest.mock('../../src/gateway/internals/ws', () => ({
  ...jest.requireActual('../../src/gateway/internals/ws'),
  corkUntilNextTick: () => false,
}));

test('with no transport to cork, the client gets the same frames', async () => {
  expect(await runBursts()).toEqual(EXPECTED_FRAMES);
  expect(corkedDuringHandler).toEqual([0, 0, 0]);
});
