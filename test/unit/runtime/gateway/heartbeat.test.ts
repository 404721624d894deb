import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { startHeartbeat } from '../../../../src/runtime/gateway/heartbeat';

/** The part of a `ws` socket the heartbeat uses: `ping()` and the `pong` event. */
class FakeSocket extends EventEmitter {
  pings = 0;
  ping(): void {
    this.pings++;
  }
  pong(): void {
    this.emit('pong');
  }
}

function start(pingIntervalMs: number, pongTimeoutMs: number) {
  const socket = new FakeSocket();
  const onDead = jest.fn();
  const stop = startHeartbeat(
    socket as unknown as WebSocket,
    pingIntervalMs,
    pongTimeoutMs,
    onDead,
  );
  return { socket, onDead, stop };
}

describe('startHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('pings every interval while pongs come back', () => {
    const { socket, onDead } = start(1_000, 500);
    expect(socket.pings).toBe(0);
    for (let i = 1; i <= 5; i++) {
      jest.advanceTimersByTime(1_000);
      expect(socket.pings).toBe(i);
      socket.pong();
    }
    expect(onDead).not.toHaveBeenCalled();
  });

  it('declares the peer dead once when a pong does not come within the timeout', () => {
    const { socket, onDead } = start(1_000, 500);
    jest.advanceTimersByTime(1_000);
    expect(socket.pings).toBe(1);
    jest.advanceTimersByTime(499);
    expect(onDead).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onDead).toHaveBeenCalledTimes(1);
    // Dead means stopped: no more pings, no second call, no listener left behind.
    jest.advanceTimersByTime(60_000);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(socket.pings).toBe(1);
    expect(socket.listenerCount('pong')).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not stack pings while one is still unanswered (timeout longer than the interval)', () => {
    const { socket, onDead } = start(100, 1_000);
    jest.advanceTimersByTime(999);
    expect(socket.pings).toBe(1);
    expect(onDead).not.toHaveBeenCalled();
    jest.advanceTimersByTime(101); // the deadline of the first ping, at 100 + 1000
    expect(socket.pings).toBe(1);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('a late pong still clears the wait, and the next interval pings again', () => {
    const { socket, onDead } = start(100, 1_000);
    jest.advanceTimersByTime(550); // pinged at 100, still waiting
    socket.pong();
    jest.advanceTimersByTime(50); // next tick at 600 pings again
    expect(socket.pings).toBe(2);
    socket.pong();
    for (let i = 0; i < 50; i++) {
      jest.advanceTimersByTime(100);
      socket.pong();
    }
    expect(socket.pings).toBe(52);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('a pong with no ping outstanding is harmless', () => {
    const { socket, onDead } = start(1_000, 500);
    socket.pong();
    jest.advanceTimersByTime(1_000);
    jest.advanceTimersByTime(500);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('stop() clears every timer and listener, even with a ping outstanding', () => {
    const { socket, onDead, stop } = start(1_000, 500);
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(2);
    stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(socket.listenerCount('pong')).toBe(0);
    jest.advanceTimersByTime(60_000);
    expect(onDead).not.toHaveBeenCalled();
    expect(socket.pings).toBe(1);
  });

  it('an infinite pong timeout never gives up on a peer (Node would fire it after 1 ms)', () => {
    const { socket, onDead } = start(1_000, Infinity);
    jest.advanceTimersByTime(1_000);
    expect(socket.pings).toBe(1);
    jest.advanceTimersByTime(24 * 24 * 3600 * 1000);
    expect(onDead).not.toHaveBeenCalled();
    expect(socket.pings).toBe(1);
  });

  it('an interval longer than a timer can hold is capped, not fired after 1 ms', () => {
    const { socket } = start(2 ** 31, 500);
    jest.advanceTimersByTime(60_000);
    expect(socket.pings).toBe(0);
  });

  it('an infinite interval turns the heartbeat off', () => {
    const { socket, onDead, stop } = start(Infinity, 500);
    expect(jest.getTimerCount()).toBe(0);
    expect(socket.listenerCount('pong')).toBe(0);
    jest.advanceTimersByTime(1e9);
    expect(socket.pings).toBe(0);
    stop();
    expect(onDead).not.toHaveBeenCalled();
  });
});

describe('startHeartbeat timers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('are unref’d, so a live heartbeat never keeps the process up', async () => {
    const handles: NodeJS.Timeout[] = [];
    const realSetInterval = global.setInterval;
    const realSetTimeout = global.setTimeout;
    jest
      .spyOn(global, 'setInterval')
      .mockImplementation(
        ((fn: () => void, ms: number) =>
          handles[handles.push(realSetInterval(fn, ms)) - 1]) as typeof setInterval,
      );
    jest
      .spyOn(global, 'setTimeout')
      .mockImplementation(
        ((fn: () => void, ms: number) =>
          handles[handles.push(realSetTimeout(fn, ms)) - 1]) as typeof setTimeout,
      );
    const socket = new FakeSocket();
    const pinged = new Promise((resolve) => (socket.ping = () => resolve(undefined)));
    const stop = startHeartbeat(socket as unknown as WebSocket, 1, 60_000, () => {});
    await pinged; // the interval ticked, so the pong deadline is armed as well
    stop();
    expect(handles).toHaveLength(2);
    expect(handles.map((handle) => handle.hasRef())).toEqual([false, false]);
  });
});
