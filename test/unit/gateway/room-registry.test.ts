import type { Connection } from '../../../src/gateway/connection';
import { RoomRegistry } from '../../../src/gateway/room-registry';

const connection = (id: string) => ({ id, rooms: new Set<string>() }) as unknown as Connection;

describe('RoomRegistry room hooks', () => {
  it('reports a room’s first member and its last leave, once each', () => {
    const registry = new RoomRegistry();
    const events: string[] = [];
    registry.watch({
      roomAdded: (room) => events.push(`+${room}`),
      roomRemoved: (room) => events.push(`-${room}`),
    });
    const [one, two] = [connection('1'), connection('2')];
    registry.join(one, 'a');
    registry.join(two, 'a');
    registry.join(one, 'b');
    registry.leave(one, 'a');
    registry.leave(two, 'a');
    registry.leave(one, 'b');
    expect(events).toEqual(['+a', '+b', '-a', '-b']);
  });

  it('reports the rooms already in use when it starts watching, and works with hooks that are absent', () => {
    const registry = new RoomRegistry();
    const early = connection('1');
    registry.join(early, 'early');
    registry.leave(early, 'early'); // a registry nobody watches goes on
    const member = connection('2');
    registry.join(member, 'kept');
    const added: string[] = [];
    registry.watch({ roomAdded: (room) => added.push(room) });
    registry.leave(member, 'kept');
    registry.watch({});
    registry.join(member, 'again');
    expect(added).toEqual(['kept']);
  });
});
