import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { until } from '../support/waiting';
import { describeRedis } from '../redis/redis-clients';
import { lifecycle } from '../redis/resume-gateway';
import { useRedisResume } from '../redis/resume-suite';
import { recordFigures } from './support/figures';

interface Frame {
  readonly event: string;
  readonly data?: any;
  readonly id?: string | number;
}

interface Outcome {
  readonly frames: Frame[];
  /** The `$session` frame, once it came. */
  session?: { id: string; token: string; resumed: boolean };
  closeCode?: number;
  readonly socket: WebSocket;
}

/** Close codes a resume may be refused with (docs/session-resume.md). */
const DOCUMENTED_CLOSES = [1011, 1008, 1013];

const eventually = (condition: () => boolean) => until(condition, 1_000_000);

describeRedis('session resume across processes, attacked (real redis-server, real sockets)', () => {
  const suite = useRedisResume('attack', (socket: WebSocket) => socket.terminate());
  const { node, sockets, closeApps, expectEveryKeyExpires } = suite;

  /** Opens `url`; sends `first` (frames or raw sends) once open; resolves at `$session` or close. */
  async function open(
    url: string,
    first: (socket: WebSocket) => void = () => undefined,
    headers: Record<string, string> = {},
  ): Promise<Outcome> {
    const socket = new WebSocket(url, { headers });
    sockets.push(socket);
    const outcome: Outcome = { frames: [], socket };
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      outcome.frames.push(frame);
      if (frame.event === '$session') outcome.session = frame.data;
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => (outcome.closeCode = code));
    socket.once('open', () => first(socket));
    await eventually(() => outcome.session !== undefined || outcome.closeCode !== undefined);
    return outcome;
  }

  const resumeFrame = (token: unknown, seq: unknown) =>
    JSON.stringify({ event: '$resume', data: { token, seq } });

  async function request(outcome: Outcome, event: string, data?: unknown): Promise<any> {
    const id = randomBytes(6).toString('hex');
    outcome.socket.send(JSON.stringify({ event, data, id }));
    await eventually(() => outcome.frames.some((frame) => frame.id === id));
    return outcome.frames.find((frame) => frame.id === id)!.data;
  }

  /** Until the session's record is in Redis (it is written the turn after connect). */
  async function untilStored(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if ((await suite.redis.keys(`{${suite.prefix}:session:*`)).length > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('no session record was written');
  }

  async function commandCalls(): Promise<Record<string, number>> {
    const text = await suite.redis.info('commandstats');
    const calls: Record<string, number> = {};
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      calls[match[1]] = Number(match[2]);
    }
    return calls;
  }

  it('a flood of bogus $resume upgrades: each a fresh connection, one GETDEL at most per claim, no stray key', async () => {
    const [a, b] = [await node(), await node()];
    const owner = await open(a.url('/chat/flood'));
    await untilStored();
    const real = owner.session!;
    const before = await commandCalls();
    const claims: [string, (socket: WebSocket) => void][] = [
      ['random token', (s) => s.send(resumeFrame(randomBytes(18).toString('base64url'), 0))],
      ['token of the wrong shape', (s) => s.send(resumeFrame('x'.repeat(23), 0))],
      ['token that is a number', (s) => s.send(resumeFrame(123, 0))],
      ['negative seq', (s) => s.send(resumeFrame(real.token, -1))],
      ['fractional seq', (s) => s.send(resumeFrame(real.token, 0.5))],
      ['seq past what was sent', (s) => s.send(resumeFrame(real.token, 1e9))],
      ['malformed JSON', (s) => s.send('{"event":"$resume","data":{')],
      ['oversized', (s) => s.send(resumeFrame(real.token, 0) + ' '.repeat(300))],
      ['binary', (s) => s.send(Buffer.from(resumeFrame(real.token, 0)))],
      ['another event', (s) => s.send(JSON.stringify({ event: 'say', data: 'hi' }))],
      ['__proto__ data', (s) => s.send('{"event":"$resume","data":{"__proto__":{"token":1}}}')],
      ['null data', (s) => s.send('{"event":"$resume","data":null}')],
    ];
    const rounds = 8;
    const outcomes: Outcome[] = [];
    for (let round = 0; round < rounds; round++) {
      outcomes.push(
        ...(await Promise.all(
          claims.map(([, first], i) =>
            open(
              (i + round) % 2 === 0
                ? a.url('/chat/flood?%24resume=1')
                : b.url('/chat/flood?%24resume=1'),
              first,
            ),
          ),
        )),
      );
    }
    for (const outcome of outcomes) {
      if (outcome.session === undefined) expect(DOCUMENTED_CLOSES).toContain(outcome.closeCode);
      else expect(outcome.session).toMatchObject({ resumed: false });
      expect(outcome.session?.id).not.toBe(real.id);
    }
    const after = await commandCalls();
    const getdels = (after.getdel ?? 0) - (before.getdel ?? 0);
    // Only well-formed claims not matched locally reach Redis, with one GETDEL each: the random
    // token and the real one with a count past what was sent, per round; the others cost nothing.
    expect(getdels).toBe(2 * rounds);
    const total = Object.entries(after).reduce(
      (sum, [name, calls]) => sum + calls - (before[name] ?? 0),
      0,
    );
    const perUpgrade = Math.round((total / outcomes.length) * 10) / 10;
    recordFigures(__filename, {
      frames: outcomes.length,
      tried: [
        `${outcomes.length} bogus $resume upgrades on 2 processes: ${getdels} GETDEL, ${perUpgrade} Redis commands per upgrade (all of both processes' traffic included)`,
      ],
    });
    expect(perUpgrade).toBeLessThan(5);
    // The owner's session is untouched by all of it: still open, still its own.
    expect((await request(owner, 'whoami')).id).toBe(real.id);
    await expectEveryKeyExpires();
  });

  it('20 concurrent resumes of one token on two processes: exactly one wins, the others are fresh and see only their own data', async () => {
    const [a, b] = [await node(), await node()];
    const victim = await open(a.url('/chat/race'));
    await request(victim, 'set', 'secret of the victim');
    await request(victim, 'join', 'private');
    const { id, token } = victim.session!;
    await untilStored();
    const closed = new Promise((resolve) => victim.socket.once('close', resolve));
    victim.socket.terminate();
    await closed;
    const racers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        open((i % 2 === 0 ? a : b).url('/chat/race?%24resume=1'), (s) =>
          s.send(resumeFrame(token, 0)),
        ),
      ),
    );
    const winners = racers.filter((racer) => racer.session?.resumed === true);
    expect(winners.length).toBe(1);
    expect(winners[0].session!.id).toBe(id);
    for (const racer of racers) {
      if (racer.session === undefined) {
        expect(DOCUMENTED_CLOSES).toContain(racer.closeCode);
        continue;
      }
      const seen = await request(racer, 'whoami');
      if (racer === winners[0]) {
        expect(seen).toMatchObject({ id, data: { value: 'secret of the victim' }, resumed: true });
        expect(seen.rooms.sort()).toEqual(['private', 'race']);
      } else {
        expect(seen.id).not.toBe(id);
        expect(seen).toMatchObject({ rooms: ['race'], resumed: false });
        expect(JSON.stringify(seen)).not.toContain('secret');
      }
    }
    // One session per id across both processes: no copy of the victim's left behind.
    const members = await a.server.fetchAll();
    expect(members.filter((member) => member.id === id).length).toBe(1);
    await expectEveryKeyExpires();
  });

  it("another user's token, on either process: refused, and its owner still resumes on the holder", async () => {
    const [a, b] = [await node(), await node()];
    const alice = await open(a.url('/other'), undefined, { 'x-user': 'alice' });
    const { id, token } = alice.session!;
    await untilStored();
    alice.socket.terminate();
    await eventually(() => a.app.websocketServer.clients.size === 0);
    const claim = (s: WebSocket) => s.send(resumeFrame(token, 0));
    for (const target of [b, a, b]) {
      const bob = await open(target.url('/other?%24resume=1'), claim, { 'x-user': 'bob' });
      expect(bob.session).toMatchObject({ resumed: false });
      expect(bob.session!.id).not.toBe(id);
      const nobody = await open(target.url('/other?%24resume=1'), claim);
      expect(nobody.session).toMatchObject({ resumed: false });
    }
    // The claims on b spent the token for other processes; the holder still has the session.
    const back = await open(a.url('/other?%24resume=1'), claim, { 'x-user': 'alice' });
    expect(back.session).toMatchObject({ id, resumed: true });
    await expectEveryKeyExpires();
  });

  it('a process that started a moment ago takes a session over from one it has not heard of yet: still one session', async () => {
    const a = await node();
    const alice = await open(a.url('/chat/new'));
    const { id, token } = alice.session!;
    await request(alice, 'set', 'kept');
    await untilStored();
    alice.socket.terminate();
    await eventually(() => a.app.websocketServer.clients.size === 0);
    const b = await node(); // resumed on at once, before b's first heartbeat exchange with a
    const back = await open(b.url('/chat/new?%24resume=1'), (s) => s.send(resumeFrame(token, 0)));
    expect(back.session).toMatchObject({ id, resumed: true });
    expect(a.server.fetchConnections().map((conn) => conn.id)).not.toContain(id);
    await closeApps();
    expect(lifecycle.filter((line) => line.endsWith(` ${id}`))).toEqual([
      `connect ${id}`,
      `close ${id}`,
    ]);
  });

  it('a $resume frame that never comes, comes in fragments, or comes late: fresh or resumed, the token kept until used', async () => {
    const [a, b] = [await node({ connectTimeoutMs: 400 }), await node({ connectTimeoutMs: 400 })];
    const owner = await open(a.url('/chat/late'));
    const { id, token } = owner.session!;
    await untilStored();
    owner.socket.terminate();
    await eventually(() => a.app.websocketServer.clients.size === 0);

    // Never: the connect budget ends the wait, the upgrade is a fresh connection.
    const silent = await open(b.url('/chat/late?%24resume=1'));
    expect(silent.session).toMatchObject({ resumed: false });
    expect(silent.session!.id).not.toBe(id);

    // Late, after the budget: a fresh connection, whose late frame is just a message.
    const late = await open(b.url('/chat/late?%24resume=1'));
    expect(late.session).toMatchObject({ resumed: false });
    late.socket.send(resumeFrame(token, 0));
    expect((await request(late, 'whoami')).id).toBe(late.session!.id);

    // The token was never claimed by those: fragments of one frame still resume it.
    const text = resumeFrame(token, 0);
    const split = await open(b.url('/chat/late?%24resume=1'), (s) => {
      s.send(text.slice(0, 10), { fin: false });
      setImmediate(() => s.send(text.slice(10), { fin: true }));
    });
    expect(split.session).toMatchObject({ id, resumed: true });
    await expectEveryKeyExpires();
  });

  it('resume and drop again, 30 times across two processes: no socket left, each hook once per session', async () => {
    const [a, b] = [await node(), await node()];
    const first = await open(a.url('/chat/churn'));
    const { id } = first.session!;
    let { token } = first.session!;
    await untilStored();
    first.socket.terminate();
    let resumed = 0;
    for (let i = 0; i < 30; i++) {
      const target = i % 2 === 0 ? b : a;
      const next = await open(target.url('/chat/churn?%24resume=1'), (s) =>
        s.send(resumeFrame(token, 0)),
      );
      if (next.session?.resumed === true) {
        resumed++;
        token = next.session.token;
        expect(next.session.id).toBe(id);
      }
      // Drops before reading anything more (half the time before the server wrote all of it).
      next.socket.terminate();
      if (next.session?.resumed !== true) break;
      await eventually(() => target.app.websocketServer.clients.size === 0);
    }
    expect(resumed).toBeGreaterThan(0);
    await eventually(
      () => a.app.websocketServer.clients.size + b.app.websocketServer.clients.size === 0,
    );
    await expectEveryKeyExpires();
    await closeApps();
    // Every session that started ended exactly once, on one process.
    // (Sessions of earlier tests may still close now: see shutdown-close.test.ts.)
    const connects = lifecycle.filter((line) => line.startsWith('connect ')).map((l) => l.slice(8));
    const closes = lifecycle
      .filter((line) => line.startsWith('close ') && connects.includes(line.slice(6)))
      .map((l) => l.slice(6));
    expect(closes.sort()).toEqual([...new Set(connects)].sort());
    expect(connects.filter((c) => c === id).length).toBe(1);
  });
});
