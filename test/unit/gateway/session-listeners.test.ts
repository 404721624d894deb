import { WebSocket } from 'ws';
import { listenTo, sessionOf } from '../../../src/gateway/session-listeners';
import type { SocketSession } from '../../../src/gateway/session-types';

interface Heard {
  session: SocketSession;
  calls: unknown[][];
  debug: unknown[][];
}

function fakeSession(): Heard {
  const calls: unknown[][] = [];
  const debug: unknown[][] = [];
  const session = {
    runtime: { name: 'ChatGateway', log: { debug: (...args: unknown[]) => debug.push(args) } },
    connection: { id: 'c-1' },
    pingRound: 3,
    receive: (...args: unknown[]) => calls.push(['receive', ...args]),
    closed: (...args: unknown[]) => calls.push(['closed', ...args]),
    requestClose: () => {},
    shutdown: () => {},
  } as unknown as SocketSession;
  return { session, calls, debug };
}

/** A server-side `ws` socket with no transport: enough to emit its events by hand. */
function bareSocket<T extends WebSocket>(type: new (address: null) => T = WebSocket as never): T {
  // As ws's server builds its sockets: no address, server options.
  return Reflect.construct(type, [null, undefined, {}]) as T;
}

describe('listenTo', () => {
  it('hands a plain socket events to the session from its own emit, before any listener, with no listener of its own', () => {
    const socket = bareSocket();
    const { session, calls } = fakeSession();
    listenTo(socket, session);
    const order: string[] = [];
    socket.on('message', () => order.push(`listener after ${calls.length} session call(s)`));

    expect(sessionOf(socket)).toBe(session);
    expect(socket.eventNames()).toEqual(['message']);
    const data = Buffer.from('{}');
    expect(socket.emit('message', data, false)).toBe(true);
    expect(calls).toEqual([['receive', data, false]]);
    expect(order).toEqual(['listener after 1 session call(s)']);

    expect(socket.emit('pong', Buffer.alloc(0))).toBe(false);
    expect(session.pingRound).toBe(0);

    expect(socket.emit('close', 1001, Buffer.from('bye'))).toBe(false);
    expect(calls[1]).toEqual(['closed', 1001, 'bye']);
  });

  it('keeps a plain socket with no error listener from throwing, and passes errors on to listeners', () => {
    const socket = bareSocket();
    const { session, debug } = fakeSession();
    listenTo(socket, session);
    const error = new Error('invalid UTF-8');

    expect(socket.emit('error', error)).toBe(true);
    const seen: Error[] = [];
    socket.on('error', (e) => seen.push(e));
    expect(socket.emit('error', error)).toBe(true);

    expect(seen).toEqual([error]);
    expect(debug).toEqual([
      [{ err: error, connectionId: 'c-1' }, 'ChatGateway: socket error'],
      [{ err: error, connectionId: 'c-1' }, 'ChatGateway: socket error'],
    ]);
  });

  it('passes every other event and its arguments on unchanged', () => {
    const socket = bareSocket();
    const { session, calls } = fakeSession();
    listenTo(socket, session);
    const got: unknown[][] = [];
    socket.on('ping', (...args) => got.push(args));
    socket.on('custom' as 'ping', (...args) => got.push(args));

    expect(socket.emit('ping', Buffer.from('p'))).toBe(true);
    expect(socket.emit('custom', 1, 2, 3)).toBe(true);
    expect(socket.emit('open')).toBe(false);
    expect(got).toEqual([[Buffer.from('p')], [1, 2, 3]]);
    expect(calls).toEqual([]);
  });

  it('attaches listeners to a socket whose emit is not the plain one', () => {
    class TracedSocket extends WebSocket {
      emitted: string[] = [];
      override emit(event: string | symbol, ...args: unknown[]): boolean {
        this.emitted.push(String(event));
        return super.emit(event, ...args);
      }
    }
    const socket = bareSocket(TracedSocket);
    const { session, calls, debug } = fakeSession();
    listenTo(socket, session);

    expect(socket.emit).toBe(TracedSocket.prototype.emit);
    expect(socket.eventNames()).toEqual(['message', 'close', 'error', 'pong']);
    socket.emit('message', Buffer.from('x'), true);
    socket.emit('pong', Buffer.alloc(0));
    socket.emit('error', new Error('bad frame'));
    socket.emit('close', 1000, Buffer.from(''));

    expect(socket.emitted).toEqual(['message', 'pong', 'error', 'close']);
    expect(calls).toEqual([
      ['receive', Buffer.from('x'), true],
      ['closed', 1000, ''],
    ]);
    expect(session.pingRound).toBe(0);
    expect(debug).toHaveLength(1);
  });

  it('finds no session on a socket that is not a gateway socket', () => {
    expect(sessionOf(bareSocket())).toBeUndefined();
  });
});
