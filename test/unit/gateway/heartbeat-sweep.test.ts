import type { WebSocket } from 'ws';
import { HeartbeatSweep, type HeartbeatMember } from '../../../src/gateway/heartbeat-sweep';

type TestMember = HeartbeatMember & { pings: number };

/** The gateway's connections, as the sweep reads them: watched or not. */
const everyone = new Set<TestMember>();

function member(): TestMember {
  const entry = {
    pings: 0,
    pingRound: 0,
    watched: false,
    connection: { socket: { ping: () => entry.pings++ } as unknown as WebSocket },
  };
  everyone.add(entry);
  return entry;
}

function sweep(
  pingIntervalMs: number,
  pongTimeoutMs: number,
  onDead: (member: HeartbeatMember) => void,
): HeartbeatSweep {
  return new HeartbeatSweep(pingIntervalMs, pongTimeoutMs, () => everyone, onDead);
}

describe('HeartbeatSweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    everyone.clear();
    jest.useRealTimers();
  });

  it('pings every interval and reports a member whose pong did not come in time', () => {
    const dead: HeartbeatMember[] = [];
    const heartbeat = sweep(100, 50, (m) => dead.push(m));
    const alive = member();
    const silent = member();
    heartbeat.add(alive);
    heartbeat.add(silent);
    jest.advanceTimersByTime(100);
    expect([alive.pings, silent.pings]).toEqual([1, 1]);
    alive.pingRound = 0; // its pong
    jest.advanceTimersByTime(49);
    expect(dead).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(dead).toEqual([silent]);
    heartbeat.stop();
  });

  it('does not ping a member again while it waits, when the pong timeout is longer than the interval', () => {
    const dead: HeartbeatMember[] = [];
    const heartbeat = sweep(10, 25, (m) => dead.push(m));
    const silent = member();
    heartbeat.add(silent);
    jest.advanceTimersByTime(30);
    expect(silent.pings).toBe(1);
    expect(dead).toEqual([]);
    jest.advanceTimersByTime(5);
    expect(dead).toEqual([silent]);
    heartbeat.stop();
  });

  it('neither pings nor reports a member it does not watch (a parked session), nor one it stopped watching', () => {
    const dead: HeartbeatMember[] = [];
    const heartbeat = sweep(10, 5, (m) => dead.push(m));
    const watched = member();
    const parked = member();
    const leaving = member();
    heartbeat.add(watched);
    heartbeat.add(leaving);
    jest.advanceTimersByTime(10);
    expect([watched.pings, parked.pings, leaving.pings]).toEqual([1, 0, 1]);
    heartbeat.delete(leaving); // pinged, then parked before its deadline
    jest.advanceTimersByTime(5);
    expect(dead).toEqual([watched]);
    heartbeat.stop();
  });

  it('stops its timers with the last member, and does nothing with an infinite interval', () => {
    const onDead = jest.fn();
    const heartbeat = sweep(10, 10, onDead);
    const one = member();
    heartbeat.add(one);
    heartbeat.add(one); // counted once
    jest.advanceTimersByTime(10);
    heartbeat.delete(one);
    heartbeat.delete(one);
    expect(one.watched).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(100);
    expect(onDead).not.toHaveBeenCalled();

    const off = sweep(Infinity, 10, onDead);
    const unwatched = member();
    off.add(unwatched);
    expect(unwatched.watched).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('treats an infinite (or too long) pong timeout as waiting, not as an immediate deadline', () => {
    const onDead = jest.fn();
    const heartbeat = sweep(10, Infinity, onDead);
    const silent = member();
    heartbeat.add(silent);
    jest.advanceTimersByTime(1000);
    expect(silent.pings).toBe(1);
    expect(onDead).not.toHaveBeenCalled();
    heartbeat.stop();
  });
});
