import { SenderStream } from '../../../src/redis/sender-stream';

/** A stream that already knows where it starts (as after the sender's replay answer). */
function synced(next: number): SenderStream<string> {
  const stream = new SenderStream<string>(0);
  stream.startAt(next);
  return stream;
}

describe('SenderStream', () => {
  it('delivers frames in sequence and drops duplicates', () => {
    const stream = synced(1);
    expect(stream.accept(1, 'a')).toEqual(['a']);
    expect(stream.accept(1, 'a again')).toEqual([]);
    expect(stream.accept(2, 'b')).toEqual(['b']);
    expect(stream.hasGap()).toBe(false);
  });

  it('holds frames after a gap until it is filled, then delivers them in order', () => {
    const stream = synced(1);
    expect(stream.accept(3, 'c')).toEqual([]);
    expect(stream.accept(4, 'd')).toEqual([]);
    expect(stream.hasGap()).toBe(true);
    expect(stream.accept(2, 'b')).toEqual([]);
    expect(stream.accept(1, 'a')).toEqual(['a', 'b', 'c', 'd']);
    expect(stream.hasGap()).toBe(false);
  });

  it('holds everything until the sender says where this process starts', () => {
    const stream = new SenderStream<string>(0);
    expect(stream.hasGap()).toBe(true);
    expect(stream.accept(7, 'g')).toEqual([]);
    expect(stream.startAt(6)).toEqual({ ready: [], lost: 0 });
    expect(stream.accept(6, 'f')).toEqual(['f', 'g']);
  });

  it('finds a gap from an announced head alone', () => {
    const stream = synced(1);
    stream.accept(1, 'a');
    stream.announce(1);
    expect(stream.hasGap()).toBe(false);
    stream.announce(3);
    expect(stream.hasGap()).toBe(true);
  });

  it('counts what a replay answer says is gone and forgets what it skipped', () => {
    const stream = synced(1);
    stream.accept(2, 'b');
    expect(stream.startAt(5)).toEqual({ ready: [], lost: 4 });
    expect(stream.accept(5, 'e')).toEqual(['e']);
    expect(stream.hasGap()).toBe(false);
    // An older start changes nothing.
    expect(stream.startAt(2)).toEqual({ ready: [], lost: 0 });
  });

  it('gives up a gap: skips to the oldest frame held, or past the head', () => {
    const held = synced(1);
    held.accept(4, 'd');
    held.accept(5, 'e');
    expect(held.skipGap()).toEqual({ ready: ['d', 'e'], lost: 3 });

    const announced = synced(1);
    announced.announce(3);
    expect(announced.skipGap()).toEqual({ ready: [], lost: 3 });
    expect(announced.hasGap()).toBe(false);

    const neverSynced = new SenderStream<string>(0);
    neverSynced.accept(9, 'i');
    expect(neverSynced.skipGap()).toEqual({ ready: ['i'], lost: 0 });
  });
});
