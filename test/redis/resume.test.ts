import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { hashToken } from '../../src/gateway/resume-session';
import { sessionKey } from '../../src/redis/session-share';
import { TcpProxy } from '../support/tcp-proxy';
import { ROOT, transpileWithSrc } from '../support/transpile';
import { until, within } from '../support/waiting';
import { removeCompiled } from './gateway-children';
import { describeRedis, sharedRedisPort } from './redis-clients';
import { lifecycle } from './resume-gateway';
import { useRedisResume, type ResumeNode } from './resume-suite';

interface Frame {
  readonly event: string;
  readonly data?: any;
  readonly id?: string | number;
}

/** A raw socket that keeps every frame it received, in order, over its reconnects. */
class RawSession {
  readonly frames: Frame[] = [];
  socket!: WebSocket;
  closeCode: number | undefined;
  private nextId = 1;

  static async open(url: string): Promise<RawSession> {
    const session = new RawSession();
    await session.connect(url);
    return session;
  }

  /** Frames after the first `$session`, i.e. the count the server numbers. */
  get seq(): number {
    return this.frames.filter((frame) => frame.event !== '$session').length;
  }

  get session(): { id: string; token: string; resumed: boolean } {
    return this.frames.filter((frame) => frame.event === '$session').at(-1)!.data;
  }

  /** Frames after the last `$session`. */
  since(): Frame[] {
    const last = this.frames.map((frame) => frame.event).lastIndexOf('$session');
    return this.frames.slice(last + 1);
  }

  async connect(url: string, first?: unknown, headers: Record<string, string> = {}): Promise<void> {
    const count = this.frames.filter((f) => f.event === '$session').length;
    const socket = new WebSocket(url, { headers });
    this.socket = socket;
    this.closeCode = undefined;
    socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    socket.on('error', () => {});
    socket.on('close', (code) => {
      if (this.socket === socket) this.closeCode = code; // not an older socket's late close
    });
    if (first !== undefined) socket.once('open', () => socket.send(JSON.stringify(first)));
    await until(
      () =>
        this.frames.filter((f) => f.event === '$session').length > count ||
        this.closeCode !== undefined,
      1_000_000,
    );
  }

  /** Resumes on a new socket at `url` (any process), claiming what it has. */
  resume(
    url: string,
    token = this.session.token,
    seq = this.seq,
    headers: Record<string, string> = {},
  ): Promise<void> {
    return this.connect(`${url}?%24resume=1`, { event: '$resume', data: { token, seq } }, headers);
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  async request(event: string, data?: unknown): Promise<any> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ event, data, id }));
    await eventually(() => this.frames.some((frame) => frame.id === id));
    return this.frames.find((frame) => frame.id === id)!.data;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }
}

/** Across processes on a loaded machine: up to a million turns of the event loop, not just 5 s. */
const eventually = (condition: () => boolean) => until(condition, 1_000_000);
const said = (...texts: string[]) => texts.map((text) => ({ event: 'said', data: text }));
/** Server pushes: frames that are neither replies nor `$session`. */
const pushes = (frames: Frame[]) =>
  frames.filter((frame) => frame.id === undefined && frame.event !== '$session');

describeRedis('session resume with RedisAdapter (real redis-server, real sockets)', () => {
  const suite = useRedisResume('resume', (socket: RawSession) => socket.close());
  const { node, sockets } = suite;

  async function open(url: string): Promise<RawSession> {
    const session = await RawSession.open(url);
    sockets.push(session);
    return session;
  }

  /** The session's record in Redis, once written (undefined until then). */
  async function stored(token: string, path: string): Promise<any> {
    const text = await suite.redis.get(sessionKey(suite.prefix, path, hashToken(token)));
    return text === null ? undefined : JSON.parse(text);
  }

  async function untilStored(
    token: string,
    check: (record: any) => boolean,
    path = '/chat/:room',
  ): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const record = await stored(token, path);
      if (record !== undefined && check(record)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the session record was not written');
  }

  /** Resolves once `from` sees the connections of `count` processes (so it knows they live). */
  async function peers(from: ResumeNode, count: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const members = await from.server.fetchAll().catch(() => []);
      if (new Set(members.map((member) => member.node)).size >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`fewer than ${count} processes are known`);
  }

  it('resumes on another process: same id, rooms and data, every missed frame once and in order, hooks once', async () => {
    const [a, b] = [await node(), await node()];
    const proxy = await TcpProxy.start((a.app.server.address() as AddressInfo).port);
    try {
      const x = await open(`ws://127.0.0.1:${proxy.port}/chat/r1`);
      const y = await open(b.url('/chat/r1'));
      await Promise.all([a.adapter.settled(), b.adapter.settled()]);
      await peers(b, 2);
      await y.request('say', 'before');
      await eventually(() => pushes(x.frames).length === 1);
      await x.request('set', 42);
      const before = await x.request('whoami');
      await untilStored(x.session.token, (record) => record.s.data.value === 42);

      const answered = a.adapter.clusterStats().answered;
      await proxy.cut();
      await eventually(() => a.app.websocketServer.clients.size === 0);
      for (const text of ['away-1', 'away-2', 'away-3']) await y.request('say', text);
      const oldToken = x.session.token;
      const seen = x.seq;
      await x.resume(b.url('/chat/r1'));

      expect(x.session).toMatchObject({ id: before.id, resumed: true });
      expect(a.adapter.clusterStats().answered).toBe(answered + 1); // handed over, not rebuilt
      await y.request('say', 'after');
      await eventually(() => pushes(x.since()).length >= 4);
      // Over the whole session, across both processes: each broadcast once, in order.
      expect(pushes(x.frames)).toEqual(said('before', 'away-1', 'away-2', 'away-3', 'after'));
      expect(pushes(x.since())).toEqual(said('away-1', 'away-2', 'away-3', 'after'));
      expect(await x.request('whoami')).toEqual({ ...before, resumed: true });
      // The old process let it go without @OnClose; @OnConnect ran once, on the first.
      expect(a.server.fetchConnections().map((conn) => conn.id)).not.toContain(before.id);
      expect(lifecycle.filter((line) => line.endsWith(before.id))).toEqual([
        `connect ${before.id}`,
      ]);
      // The token it used is spent everywhere: a second resume with it is a fresh connection.
      const again = new RawSession();
      sockets.push(again);
      await again.resume(a.url('/chat/r1'), oldToken, seen);
      expect(again.session.resumed).toBe(false);
      expect(again.session.id).not.toBe(before.id);

      await x.close();
      await eventually(() => lifecycle.includes(`close ${before.id}`));
      expect(lifecycle.filter((line) => line.endsWith(before.id))).toEqual([
        `connect ${before.id}`,
        `close ${before.id}`,
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('takes the session over from a process that has not noticed the drop yet', async () => {
    const [a, b] = [await node(), await node()];
    const x = await open(a.url('/chat/r10'));
    const y = await open(b.url('/chat/r10'));
    await Promise.all([a.adapter.settled(), b.adapter.settled()]);
    await peers(b, 2);
    await untilStored(x.session.token, () => true);
    const id = x.session.id;
    const old = x.socket;
    const oldClosed = new Promise((resolve) => old.once('close', resolve));
    await x.resume(b.url('/chat/r10'));
    expect(x.session).toMatchObject({ id, resumed: true });
    await oldClosed; // the old process let its socket go
    await y.request('say', 'here');
    await eventually(() => pushes(x.since()).length === 1);
    expect(pushes(x.since())).toEqual(said('here'));
    expect(lifecycle.filter((line) => line.endsWith(id))).toEqual([`connect ${id}`]);
  });

  it('keeps nothing in Redis but token hashes, each with a TTL', async () => {
    const a = await node();
    const x = await open(a.url('/chat/r9'));
    await untilStored(x.session.token, () => true);
    const keys = await suite.redis.keys(`*${suite.prefix}*`);
    for (const key of keys) {
      expect(key).not.toContain(x.session.token);
      const value = (await suite.redis.type(key)) === 'string' ? await suite.redis.get(key) : '';
      expect(value).not.toContain(x.session.token);
      expect(await suite.redis.pttl(key)).toBeGreaterThan(0);
    }
    expect(
      await suite.redis.pttl(sessionKey(suite.prefix, '/chat/:room', hashToken(x.session.token))),
    ).toBeLessThanOrEqual(30_000 + 15_000 + 1000);
  });

  it('turns unknown, reused, foreign and concurrent tokens into fresh connections', async () => {
    const [a, b] = [await node(), await node()];
    const x = await open(a.url('/chat/r3'));
    await peers(b, 1);
    const other = await open(b.url('/other'));
    await untilStored(x.session.token, () => true);

    const unknown = await open(b.url('/chat/r3'));
    await unknown.resume(b.url('/chat/r3'), 'A'.repeat(24), 0);
    expect(unknown.session.resumed).toBe(false);

    // A token of another gateway path is foreign here.
    const foreign = await open(b.url('/chat/r3'));
    await foreign.resume(b.url('/chat/r3'), other.session.token, 0);
    expect(foreign.session.resumed).toBe(false);

    // Two resumes of one token at once, on two processes: exactly one gets the session.
    x.socket.terminate();
    await eventually(() => a.app.websocketServer.clients.size === 0);
    const [one, two] = [new RawSession(), new RawSession()];
    sockets.push(one, two);
    const claim = { token: x.session.token, seq: x.seq };
    await Promise.all([
      one.resume(a.url('/chat/r3'), claim.token, claim.seq),
      two.resume(b.url('/chat/r3'), claim.token, claim.seq),
    ]);
    expect([one.session.resumed, two.session.resumed].sort()).toEqual([false, true]);
    expect([one.session.id, two.session.id]).toContain(x.session.id);
  });

  it('gives a fresh connection for another principal, a principal or data without JSON form, a count the holder cannot continue from, or no claim', async () => {
    const [a, b] = [await node(), await node()];
    const fresh = async (
      holder: RawSession,
      url: string,
      headers: Record<string, string> = {},
      seq = holder.seq,
    ) => {
      const again = new RawSession();
      sockets.push(again);
      await again.resume(url, holder.session.token, seq, headers);
      expect(again.session.resumed).toBe(false);
      expect(again.session.id).not.toBe(holder.session.id);
    };
    const odd = await open(a.url('/chat/r6'));
    await peers(b, 1);
    const owned = new RawSession();
    sockets.push(owned);
    await owned.connect(a.url('/other'), undefined, { 'x-user': 'u1' });
    await untilStored(owned.session.token, () => true, '/other');
    await fresh(owned, b.url('/other'), { 'x-user': 'u2' });

    const big = new RawSession();
    sockets.push(big);
    await big.connect(a.url('/other'), undefined, { 'x-user': 'big' });
    await untilStored(big.session.token, () => true, '/other');
    await fresh(big, b.url('/other'), { 'x-user': 'big' });

    // conn.data with a BigInt cannot cross: the holder refuses; its record carries {} meanwhile.
    await odd.request('bigint');
    await untilStored(odd.session.token, (record) => Object.keys(record.s.data).length === 0);
    await fresh(odd, b.url('/chat/r6'));

    // A count the holder cannot continue from: refused here, and then nowhere else either.
    const ahead = await open(a.url('/chat/r6'));
    await untilStored(ahead.session.token, () => true);
    await fresh(ahead, a.url('/chat/r6'), {}, 999);

    // A resume upgrade whose first frame is not a claim.
    const none = new RawSession();
    sockets.push(none);
    await none.connect(`${b.url('/chat/r6')}?%24resume=1`, { event: 'say', data: 'x' });
    expect(none.session.resumed).toBe(false);
  });

  it('keeps the session when its client leaves again while it moves, and ignores a claim of a socket already gone', async () => {
    const [a, b] = [await node(), await node()];
    const x = await open(a.url('/chat/r7'));
    await untilStored(x.session.token, () => true);
    await peers(b, 1);
    x.socket.terminate();
    await eventually(() => a.app.websocketServer.clients.size === 0);
    const claim = JSON.stringify({
      event: '$resume',
      data: { token: x.session.token, seq: x.seq },
    });
    const leaving = new WebSocket(`${b.url('/chat/r7')}?%24resume=1`);
    leaving.on('error', () => undefined);
    leaving.once('open', () => leaving.send(claim, () => leaving.terminate()));
    // The session moved here, and waits (parked) for a client that never got its new token.
    await eventually(() => b.server.fetchConnections().some((conn) => conn.id === x.session.id));
    expect(a.server.fetchConnections()).toEqual([]);

    const unknown = new WebSocket(`${b.url('/chat/r7')}?%24resume=1`);
    unknown.on('error', () => undefined);
    const gone = new Promise((resolve) => unknown.once('close', resolve));
    unknown.once('open', () =>
      unknown.send(
        JSON.stringify({ event: '$resume', data: { token: 'B'.repeat(24), seq: 0 } }),
        () => unknown.terminate(),
      ),
    );
    await gone;
    expect(lifecycle.filter((line) => line.startsWith('connect'))).toHaveLength(1);
  });

  describe('after the process that held the session was killed (SIGKILL)', () => {
    let compiled: string;
    let child: ChildProcess | undefined;

    beforeAll(() => {
      compiled = transpileWithSrc(['test/redis/resume-process.ts', 'test/redis/resume-gateway.ts']);
    }, 60_000);

    afterEach(() => {
      if (child?.exitCode === null) child.kill('SIGKILL');
    });

    afterAll(() => removeCompiled(compiled));

    async function forkNode(): Promise<{ url(path: string): string; process: ChildProcess }> {
      child = fork(join(compiled, 'test', 'redis', 'resume-process.js'), [], {
        cwd: ROOT,
        execArgv: [],
        env: {
          ...process.env,
          REDIS_PORT: String(sharedRedisPort()),
          PREFIX: suite.prefix,
          NODE_PATH: join(ROOT, 'node_modules'),
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const started = child;
      const { port } = await within(
        new Promise<{ port: number }>((resolve) => started.once('message', resolve as never)),
        20_000,
        'the child process started',
      );
      return { process: started, url: (path) => `ws://127.0.0.1:${port}${path}` };
    }

    /** Resolves once the child listens to every room its connections are in. */
    function settled(target: ChildProcess): Promise<unknown> {
      const answered = new Promise((resolve) => target.once('message', resolve));
      target.send('settle');
      return within(answered, 10_000, 'the child process settled');
    }

    async function kill(target: ChildProcess): Promise<void> {
      const gone = new Promise((resolve) => target.once('exit', resolve));
      target.kill('SIGKILL');
      await gone;
    }

    it('restores rooms, data and every broadcast the surviving processes emitted since', async () => {
      const a = await forkNode();
      const b = await node();
      const x = await open(a.url('/chat/r4'));
      await x.request('join', 'extra');
      const y = await open(b.url('/chat/r4'));
      const z = await open(b.url('/chat/extra'));
      await Promise.all([b.adapter.settled(), settled(a.process)]);
      await peers(b, 2);
      await y.request('say', 'before');
      await eventually(() => pushes(x.frames).length === 1);
      await x.request('set', { answer: 7 });
      const before = await x.request('whoami');
      await untilStored(x.session.token, (record) => record.s.data.value?.answer === 7);

      await kill(a.process);
      await eventually(() => x.socket.readyState === WebSocket.CLOSED);
      for (const text of ['gone-1', 'gone-2']) await y.request('say', text);
      await z.request('say', 'extra-1');
      await z.request('say-rooms', { rooms: ['r4', 'extra'], text: 'both' });
      await x.resume(b.url('/chat/r4'));

      expect(x.session).toMatchObject({ id: before.id, resumed: true });
      await eventually(() => pushes(x.since()).length >= 4);
      // Once each (`both` went to two of its rooms), in order per room.
      const got = pushes(x.since()).map((frame) => frame.data);
      expect([...got].sort()).toEqual(['both', 'extra-1', 'gone-1', 'gone-2']);
      expect(got.filter((text) => text.startsWith('gone'))).toEqual(['gone-1', 'gone-2']);
      expect(await x.request('whoami')).toEqual({ ...before, resumed: true });
      // @OnConnect ran on the dead process, not here; @OnClose runs here once, at the end.
      expect(lifecycle.filter((line) => line.endsWith(before.id))).toEqual([]);
      await y.request('say', 'later');
      await eventually(() => pushes(x.since()).length === 5);
      await x.close();
      await eventually(() => lifecycle.includes(`close ${before.id}`));
    }, 60_000);

    it('ends the session (1011, then a fresh connection) when it missed more than maxFrames', async () => {
      const a = await forkNode();
      const b = await node();
      const x = await open(a.url('/chat/r8'));
      const y = await open(b.url('/chat/r8'));
      await Promise.all([b.adapter.settled(), settled(a.process)]);
      await peers(b, 2);
      await x.request('set', 1);
      await untilStored(x.session.token, (record) => record.s.data.value === 1);
      await kill(a.process);
      for (let i = 0; i < 201; i++) y.send({ event: 'say', data: `flood-${i}` });
      await y.request('say', 'last');
      const token = x.session.token;
      await x.resume(b.url('/chat/r8'));
      expect(x.closeCode).toBe(1011);
      expect(pushes(x.since()).map((frame) => frame.data)).not.toContain('flood-0');
      await eventually(() => lifecycle.includes(`close ${x.session.id}`));
      await x.resume(b.url('/chat/r8'), token, 0);
      expect(x.session.resumed).toBe(false);
    }, 60_000);

    it('gives a fresh connection when the history no longer has what the session missed', async () => {
      const a = await forkNode();
      const b = await node();
      const x = await open(a.url('/chat/r5'));
      const y = await open(b.url('/chat/r5'));
      await Promise.all([b.adapter.settled(), settled(a.process)]);
      await peers(b, 2);
      await x.request('set', 1);
      await untilStored(x.session.token, (record) => record.s.data.value === 1);
      await kill(a.process);
      await y.request('say', 'lost');
      // The history of the room is gone (expired, trimmed): no partial replay.
      await suite.redis.del(`{${suite.prefix}:/chat/:room#r5}:history`);
      await x.resume(b.url('/chat/r5'));
      expect(x.session.resumed).toBe(false);
      expect(pushes(x.since())).toEqual([]);
      expect(lifecycle).toContain(`connect ${x.session.id}`);
    }, 60_000);
  });
});
