import type { Broadcast } from '../../../src/gateway/adapter';
import type { Connection } from '../../../src/gateway/connection';
import { RoomRegistry } from '../../../src/gateway/room-registry';

/** Just what the registry reads of a connection: its id and rooms. */
function member(id: string, ...rooms: string[]): Connection {
  return { id, rooms: new Set(rooms) } as unknown as Connection;
}

function recipients(
  registry: RoomRegistry,
  selection: Partial<Omit<Broadcast, 'payload'>>,
): string[] {
  const ids: string[] = [];
  registry.forEachRecipient(
    { payload: '', rooms: [], exceptRooms: [], exceptIds: [], ...selection },
    (connection) => ids.push(connection.id),
  );
  return ids.sort();
}

describe('RoomRegistry', () => {
  const a = member('a', 'red');
  const b = member('b', 'red', 'blue');
  const c = member('c', 'blue');
  const d = member('d');
  let registry: RoomRegistry;

  beforeEach(() => {
    registry = new RoomRegistry();
    for (const connection of [a, b, c, d]) registry.add(connection);
    registry.join(a, 'red');
    registry.join(b, 'red');
    registry.join(b, 'blue');
    registry.join(c, 'blue');
  });

  it('lists all connections, or those of one room', () => {
    expect(registry.members().map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(registry.members('red').map((m) => m.id)).toEqual(['a', 'b']);
    expect(registry.members('none')).toEqual([]);
  });

  it('drops a room when its last member leaves', () => {
    registry.leave(a, 'red');
    registry.leave(b, 'red');
    expect(registry.members('red')).toEqual([]);
    registry.join(d, 'red');
    expect(registry.members('red').map((m) => m.id)).toEqual(['d']);
  });

  it('forgets a deleted connection', () => {
    registry.delete(d);
    expect(registry.members().map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it.each<[string, Partial<Omit<Broadcast, 'payload'>>, string[]]>([
    ['everyone', {}, ['a', 'b', 'c', 'd']],
    ['one room', { rooms: ['red'] }, ['a', 'b']],
    ['an unknown room', { rooms: ['none'] }, []],
    ['two rooms, a member of both once', { rooms: ['red', 'blue'] }, ['a', 'b', 'c']],
    ['two rooms, one unknown', { rooms: ['none', 'blue'] }, ['b', 'c']],
    ['everyone except an id', { exceptIds: ['b'] }, ['a', 'c', 'd']],
    ['everyone except a room', { exceptRooms: ['blue'] }, ['a', 'd']],
    ['a room except a room', { rooms: ['red'], exceptRooms: ['blue'] }, ['a']],
    ['two rooms except an id', { rooms: ['red', 'blue'], exceptIds: ['c'] }, ['a', 'b']],
  ])('selects the recipients of a broadcast to %s', (_label, selection, expected) => {
    expect(recipients(registry, selection)).toEqual(expected);
  });
});

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
