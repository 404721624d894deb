import { resolveResume } from '../../../src/gateway/resume-options';
import { hashToken, isTokenShaped, ResumeSession } from '../../../src/gateway/resume-session';
import { MemorySessionStore } from '../../../src/gateway/session-store';

const ABNORMAL = 1006;

function makeSession(maxFrames = 4) {
  const store = new MemorySessionStore<ResumeSession>();
  const closes: number[] = [];
  const options = resolveResume('Test', undefined, { maxFrames, maxDisconnectionMs: 60_000 })!;
  const session = new ResumeSession('c-1', options, store, {
    closed: (code) => closes.push(code),
  });
  return { session, store, closes };
}

describe('ResumeSession', () => {
  it('issues single-use tokens and files only their hash', () => {
    const { session, store } = makeSession();
    const first = session.issueToken();
    const second = session.issueToken();
    expect(isTokenShaped(first) && isTokenShaped(second)).toBe(true);
    expect(first).not.toBe(second);
    expect(store.get(hashToken(first))).toBeUndefined();
    expect(store.get(hashToken(second))).toBe(session);
    expect([...store.values()]).toEqual([session]);
    expect(hashToken(second)).not.toContain(second);
  });

  it('numbers frames, trims what is acknowledged, and ignores impossible acks', () => {
    const { session } = makeSession(10);
    for (const frame of ['a', 'b', 'c']) expect(session.record(frame)).toBe(true);
    session.acknowledge(0);
    session.acknowledge(4);
    session.acknowledge(Number.NaN);
    expect(session.canResume(0, undefined)).toBe(true);
    session.acknowledge(2);
    expect(session.canResume(1, undefined)).toBe(false);
    expect(session.canResume(2, undefined)).toBe(true);
    expect(session.canResume(3, undefined)).toBe(true);
    expect(session.canResume(4, undefined)).toBe(false);
    expect(session.resume(2)).toEqual(['c']);
  });

  it('remembers a request id until its reply is acknowledged', () => {
    const { session } = makeSession(10);
    expect(session.intercept({ event: 'x', data: null, id: 7 })).toBe(false);
    expect(session.intercept({ event: 'x', data: null, id: 7 })).toBe(true);
    expect(session.intercept({ event: 'x', data: null, id: '7' })).toBe(false);
    session.record('reply to 7');
    session.replied(7);
    session.replied(99); // never seen: nothing to remember
    expect(session.intercept({ event: 'x', data: null, id: 7 })).toBe(true);
    session.acknowledge(1);
    expect(session.intercept({ event: 'x', data: null, id: 7 })).toBe(false);
    expect(session.intercept({ event: 'x', data: null })).toBe(false);
    expect(session.intercept({ event: '$ack', data: 'x' })).toBe(true);
  });

  it('parks on a drop, keeps frames for the client, and ends past maxFrames', async () => {
    const { session, closes } = makeSession(2);
    session.issueToken();
    expect(session.socketClosed(ABNORMAL, false)).toBe(true);
    expect(session.parked).toBe(true);
    expect(session.record('a')).toBe(false);
    expect(session.record('b')).toBe(false);
    expect(closes).toEqual([]);
    expect(session.record('c')).toBe(false);
    expect(session.lost).toBe(true);
    expect(session.record('d')).toBe(false);
    await Promise.resolve();
    expect(closes).toEqual([ABNORMAL]);
    expect(session.ended).toBe(true);
    expect(session.socketClosed(ABNORMAL, false)).toBe(false);
  });

  it('a session that overflowed while connected is not resumable and ends at its drop', () => {
    const { session } = makeSession(1);
    session.record('a');
    session.record('b');
    expect(session.lost).toBe(true);
    expect(session.record('c')).toBe(true);
    expect(session.intercept({ event: 'x', data: null, id: 1 })).toBe(false);
    expect(session.canResume(0, undefined)).toBe(false);
    expect(session.socketClosed(ABNORMAL, false)).toBe(false);
  });

  it('ends on a clean close or a drop during shutdown; a replaced socket does not count', () => {
    for (const [code, shuttingDown] of [
      [1000, false],
      [1001, false],
      [ABNORMAL, true],
    ] as const) {
      const { session } = makeSession();
      session.staleCloses = 1;
      expect(session.socketClosed(code, shuttingDown)).toBe(true);
      expect(session.socketClosed(code, shuttingDown)).toBe(false);
      expect(session.ended).toBe(true);
    }
  });

  it('checks the principal with Object.is', () => {
    const { session } = makeSession();
    session.principal = 'ada';
    expect(session.canResume(0, 'ada')).toBe(true);
    expect(session.canResume(0, 'eve')).toBe(false);
    expect(session.canResume(0, undefined)).toBe(false);
  });

  it('acks every quarter of maxFrames, at least every frame', () => {
    expect(makeSession(1000).session.ackEvery).toBe(250);
    expect(makeSession(3).session.ackEvery).toBe(1);
  });
});

describe('ResumeSession across processes', () => {
  it('hands its numbering over (Buffers as base64, answered requests only) and takes one over', () => {
    const { session } = makeSession(10);
    session.issueToken();
    session.record('a');
    session.record(Buffer.from([1, 2]));
    session.intercept({ event: 'q', data: undefined, id: 7 });
    session.record('reply');
    session.replied(7);
    session.intercept({ event: 'q', data: undefined, id: 'pending' });
    const numbering = session.snapshot();
    expect(numbering).toEqual({
      firstSeq: 1,
      nextSeq: 4,
      frames: ['a', { b: 'AQI=' }, 'reply'],
      requests: [['n7', 3]],
    });

    const { session: adopted } = makeSession(10);
    const at = adopted.restore(numbering);
    expect(at).toBe(3);
    expect(adopted.parked && adopted.restoring).toBe(true);
    adopted.record('live'); // kept: the session is not resumed yet
    adopted.insertMissed(at, ['missed-1', 'missed-2']);
    expect(adopted.intercept({ event: 'q', data: undefined, id: 7 })).toBe(true); // answered already
    expect(adopted.canResume(0, undefined)).toBe(true);
    expect(adopted.resume(1)).toEqual([
      Buffer.from([1, 2]),
      'reply',
      'missed-1',
      'missed-2',
      'live',
    ]);
    expect(adopted.restoring).toBe(false);
  });

  it('keeps ids 7 and "7" apart across a handover', () => {
    const { session } = makeSession(10);
    session.issueToken();
    for (const id of [7, '7']) {
      session.intercept({ event: 'q', data: undefined, id });
      session.record(`reply ${typeof id}`);
      session.replied(id);
    }
    const numbering = session.snapshot();
    expect(numbering.requests).toEqual([
      ['n7', 1],
      ['s7', 2],
    ]);
    const { session: adopted } = makeSession(10);
    adopted.restore(numbering);
    expect(adopted.intercept({ event: 'q', data: undefined, id: 7 })).toBe(true);
    expect(adopted.intercept({ event: 'q', data: undefined, id: '7' })).toBe(true);
    expect(adopted.intercept({ event: 'q', data: undefined, id: 8 })).toBe(false);
    adopted.resume(0);
    adopted.acknowledge(1); // the reply to 7 is acknowledged: 7 is forgotten, "7" is not
    expect(adopted.intercept({ event: 'q', data: undefined, id: 7 })).toBe(false);
    expect(adopted.intercept({ event: 'q', data: undefined, id: '7' })).toBe(true);
  });

  it('loses a taken-over session that missed more than maxFrames, without ending it there', async () => {
    const { session, closes } = makeSession(2);
    session.restore({ firstSeq: 1, nextSeq: 1, frames: [], requests: [] });
    session.insertMissed(0, ['a', 'b', 'c']);
    session.insertMissed(0, ['d']);
    await Promise.resolve();
    expect(session.lost).toBe(true);
    expect(closes).toEqual([]); // the runtime decides: the socket is still open
  });

  it('lets a handed-over session go without a close, whether its socket was open or gone', () => {
    const open = makeSession();
    open.session.issueToken();
    open.session.handOver();
    expect(open.session.ended).toBe(true);
    expect([...open.store.values()]).toEqual([]);
    expect(open.session.socketClosed(ABNORMAL, false)).toBe(true); // the stale socket's close
    expect(open.closes).toEqual([]);

    const parked = makeSession();
    parked.session.socketClosed(ABNORMAL, false);
    parked.session.handOver();
    expect(parked.session.staleCloses).toBe(0);
    expect(parked.closes).toEqual([]);
  });

  it('tells a sharing store of changes only once it has a token', () => {
    const touched: string[] = [];
    const store = Object.assign(new MemorySessionStore<ResumeSession>(), {
      touch: (hash: string) => touched.push(hash),
    });
    const options = resolveResume('Test', undefined, true)!;
    const session = new ResumeSession('c-1', options, store, { closed: () => undefined });
    session.touched();
    expect(touched).toEqual([]);
    const token = session.issueToken();
    session.intercept({ event: '$ack', data: 0 });
    expect(touched).toEqual([hashToken(token)]);
  });
});
