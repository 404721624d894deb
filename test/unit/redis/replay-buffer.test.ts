import { ReplayBuffer } from '../../../src/redis/replay-buffer';

const frame = (seq: number, at = 0) => ({ seq, at, message: `m${seq}` });

describe('ReplayBuffer', () => {
  it('keeps the last maxFrames frames, dropping the oldest first', () => {
    const buffer = new ReplayBuffer(3, 10000);
    for (let seq = 1; seq <= 5; seq++) buffer.push(frame(seq));
    expect(buffer.oldestSeq).toBe(3);
    expect(buffer.get(2)).toBeUndefined();
    expect([3, 4, 5].map((seq) => buffer.get(seq)?.message)).toEqual(['m3', 'm4', 'm5']);
  });

  it('drops frames older than maxAgeMs', () => {
    const buffer = new ReplayBuffer(100, 1000);
    buffer.push(frame(1, 0));
    buffer.push(frame(2, 500));
    buffer.push(frame(3, 1200));
    buffer.expire(1400);
    expect(buffer.oldestSeq).toBe(2);
    buffer.expire(5000);
    expect(buffer.oldestSeq).toBeUndefined();
    expect(buffer.get(3)).toBeUndefined();
  });

  it('finds the first frame made at or after a time', () => {
    const buffer = new ReplayBuffer(100, 100000);
    [10, 20, 30].forEach((at, i) => buffer.push(frame(i + 1, at)));
    expect(buffer.firstSeqSince(15)).toBe(2);
    expect(buffer.firstSeqSince(20)).toBe(2);
    expect(buffer.firstSeqSince(31)).toBeUndefined();
  });

  it('stays correct across its internal compaction (long runs at the size limit)', () => {
    const buffer = new ReplayBuffer(1000, 100000);
    for (let seq = 1; seq <= 5000; seq++) buffer.push(frame(seq, seq));
    expect(buffer.oldestSeq).toBe(4001);
    expect(buffer.get(4001)?.message).toBe('m4001');
    expect(buffer.get(5000)?.message).toBe('m5000');
    expect(buffer.firstSeqSince(4500)).toBe(4500);
  });
});
