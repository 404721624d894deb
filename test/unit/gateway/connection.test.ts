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
    close: (connection, code, reason) => calls.push(['close', connection.id, [code, reason]]),
  };
  return { host, calls };
}

const socket = {} as unknown as WebSocket;

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

  it('keeps the id its creation order gave it, however late it is first read', () => {
    const { host } = recordingHost();
    const first = connection(host);
    const second = connection(host);
    const counter = (conn: Connection) => parseInt(conn.id.split('-').pop()!, 36);
    expect(counter(second)).toBe(counter(first) + 1);
    expect(second.id).toBe(second.id);
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

  it('asks its host to close with the given code and reason, 1000 and no reason by default', () => {
    const { host, calls } = recordingHost();
    const first = connection(host);
    const second = connection(host);
    first.close(4000, 'bye');
    second.close();
    expect(calls).toEqual([
      ['close', first.id, [4000, 'bye']],
      ['close', second.id, [1000, '']],
    ]);
  });

  it('refuses a close code or reason a close frame cannot carry, at the call', () => {
    const { host, calls } = recordingHost();
    expect(() => connection(host).close(1005)).toThrow(/code must be/);
    expect(() => connection(host).close(4000, 'x'.repeat(124))).toThrow(/at most 123 bytes/);
    expect(calls).toEqual([]);
  });
});
