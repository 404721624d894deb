import type { WebSocket } from 'ws';
import type { OutboundFrame } from '../../../src/gateway/codec';
import { Connection, kDetach, type ConnectionHost } from '../../../src/gateway/connection';

/** A host that records what the connection asks of it (no socket involved). */
function recordingHost() {
  const calls: [string, string, unknown][] = [];
  const host: ConnectionHost = {
    joinRoom: (connection, room) => calls.push(['join', connection.id, room]),
    leaveRoom: (connection, room) => calls.push(['leave', connection.id, room]),
    send: (connection, frame: OutboundFrame) => calls.push(['send', connection.id, frame]),
  };
  return { host, calls };
}

const closes: unknown[][] = [];
const socket = { close: (...args: unknown[]) => closes.push(args) } as unknown as WebSocket;

function connection(host: ConnectionHost): Connection {
  return new Connection(host, socket, { room: 'a' }, { q: '1' }, { 'x-id': '7' });
}

describe('Connection', () => {
  it('has a unique id and keeps what the runtime gave it', () => {
    const { host } = recordingHost();
    const first = connection(host);
    const second = connection(host);
    expect(first.id).not.toBe(second.id);
    expect(first.id).toMatch(/^[\w-]+-[0-9a-z]+$/);
    expect([first.params, first.query, first.headers, first.socket]).toEqual([
      { room: 'a' },
      { q: '1' },
      { 'x-id': '7' },
      socket,
    ]);
    expect(first.data).toEqual({});
  });

  it('joins and leaves rooms once each, through its host', () => {
    const { host, calls } = recordingHost();
    const conn = connection(host);
    expect(conn.rooms.size).toBe(0);
    conn.join('a');
    conn.join('a');
    conn.join('b');
    conn.leave('a');
    conn.leave('a');
    conn.leave('never');
    expect([...conn.rooms]).toEqual(['b']);
    expect(calls).toEqual([
      ['join', conn.id, 'a'],
      ['join', conn.id, 'b'],
      ['leave', conn.id, 'a'],
    ]);
  });

  it('emits frames to itself through its host', () => {
    const { host, calls } = recordingHost();
    const conn = connection(host);
    conn.emit('hi', { n: 1 });
    conn.emit('bare');
    expect(calls).toEqual([
      ['send', conn.id, { event: 'hi', data: { n: 1 } }],
      ['send', conn.id, { event: 'bare', data: undefined }],
    ]);
  });

  it('once detached, leaves every room and ignores emit and join', () => {
    const { host, calls } = recordingHost();
    const conn = connection(host);
    conn.join('a');
    conn.join('b');
    calls.length = 0;
    conn[kDetach]();
    conn.emit('late');
    conn.join('c');
    expect(calls).toEqual([
      ['leave', conn.id, 'a'],
      ['leave', conn.id, 'b'],
    ]);
    expect(conn.rooms.size).toBe(0);
    // Detaching a connection that never joined a room is a no-op.
    const fresh = connection(host);
    calls.length = 0;
    fresh[kDetach]();
    expect(calls).toEqual([]);
  });

  it('closes its socket with the given code and reason', () => {
    const { host } = recordingHost();
    closes.length = 0;
    connection(host).close(4000, 'bye');
    connection(host).close();
    expect(closes).toEqual([
      [4000, 'bye'],
      [undefined, undefined],
    ]);
  });
});
