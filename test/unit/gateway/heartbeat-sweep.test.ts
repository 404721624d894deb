import type { WebSocket } from 'ws';
import { HeartbeatSweep, type HeartbeatMember } from '../../../src/gateway/heartbeat-sweep';

function member(): HeartbeatMember & { pings: number } {
  const entry = {
    pings: 0,
    pingRound: 0,
    connection: { socket: { ping: () => entry.pings++ } as unknown as WebSocket },
  };
  return entry;
}

describe('HeartbeatSweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every interval and reports a member whose pong did not come in time', () => {
    const dead: HeartbeatMember[] = [];
    const sweep = new HeartbeatSweep(100, 50, (m) => dead.push(m));
    const alive = member();
    const silent = member();
    sweep.add(alive);
    sweep.add(silent);
    jest.advanceTimersByTime(100);
    expect([alive.pings, silent.pings]).toEqual([1, 1]);
    alive.pingRound = 0; // its pong
    jest.advanceTimersByTime(49);
    expect(dead).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(dead).toEqual([silent]);
    sweep.stop();
  });

  it('does not ping a member again while it waits, when the pong timeout is longer than the interval', () => {
    const dead: HeartbeatMember[] = [];
    const sweep = new HeartbeatSweep(10, 25, (m) => dead.push(m));
    const silent = member();
    sweep.add(silent);
    jest.advanceTimersByTime(30);
    expect(silent.pings).toBe(1);
    expect(dead).toEqual([]);
    jest.advanceTimersByTime(5);
    expect(dead).toEqual([silent]);
    sweep.stop();
  });

  it('stops its timers with the last member, and does nothing with an infinite interval', () => {
    const onDead = jest.fn();
    const sweep = new HeartbeatSweep(10, 10, onDead);
    const one = member();
    sweep.add(one);
    jest.advanceTimersByTime(10);
    sweep.delete(one);
    sweep.delete(one);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(100);
    expect(onDead).not.toHaveBeenCalled();

    const off = new HeartbeatSweep(Infinity, 10, onDead);
    off.add(member());
    expect(jest.getTimerCount()).toBe(0);
  });

  it('treats an infinite (or too long) pong timeout as waiting, not as an immediate deadline', () => {
    const onDead = jest.fn();
    const sweep = new HeartbeatSweep(10, Infinity, onDead);
    const silent = member();
    sweep.add(silent);
    jest.advanceTimersByTime(1000);
    expect(silent.pings).toBe(1);
    expect(onDead).not.toHaveBeenCalled();
    sweep.stop();
  });
});
