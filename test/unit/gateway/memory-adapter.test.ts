import type { AdapterChannel, Broadcast } from '../../../src/gateway/adapter';
import { MemoryAdapter } from '../../../src/gateway/memory-adapter';

function channel(path: string) {
  const delivered: Broadcast[] = [];
  const opened: AdapterChannel = {
    path,
    log: console as unknown as AdapterChannel['log'],
    deliver: (broadcast) => delivered.push(broadcast),
  };
  return { opened, delivered };
}

const frame = (payload: string): Broadcast => ({
  payload,
  rooms: [],
  exceptRooms: [],
  exceptIds: [],
});

describe('MemoryAdapter', () => {
  it('delivers a publish to the other channels of the same path, never back to the sender', () => {
    const adapter = new MemoryAdapter();
    const one = channel('/chat');
    const two = channel('/chat');
    const other = channel('/news');
    const link = adapter.open(one.opened);
    adapter.open(two.opened);
    adapter.open(other.opened);
    link.publish(frame('x'));
    expect(one.delivered).toEqual([]);
    expect(two.delivered.map((b) => b.payload)).toEqual(['x']);
    expect(other.delivered).toEqual([]);
  });

  it('stops delivering to a closed channel, and forgets a path with no channel left', async () => {
    const adapter = new MemoryAdapter();
    const one = channel('/chat');
    const two = channel('/chat');
    const linkOne = adapter.open(one.opened);
    const linkTwo = adapter.open(two.opened);
    await linkTwo.close();
    linkOne.publish(frame('after'));
    expect(two.delivered).toEqual([]);
    await linkOne.close();
    // A new channel on the path starts a fresh set of peers.
    const three = channel('/chat');
    const four = channel('/chat');
    adapter.open(three.opened).publish(frame('fresh'));
    adapter.open(four.opened);
    expect(three.delivered).toEqual([]);
    expect(four.delivered).toEqual([]);
  });
});
