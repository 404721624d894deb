import { RedisServer } from '../support/redis-server';
import {
  compileGatewayProcess,
  GatewayChild,
  removeCompiled,
  WireClient,
} from './gateway-children';
import { GatewayNode } from './gateway-node';
import { describeRedis, RedisClients } from './redis-clients';
import type { RedisAdapterOptions } from '../../src/redis';

// Fault injection against real redis-servers (one per scenario, never the shared one): stalls
// (SIGSTOP/SIGCONT), a burst beyond the queue, a subscriber cut by Redis's output-buffer limit.
// Each scenario runs two gateway apps (standing for two processes) and real ws clients, and
// checks: frames arrive once and in order, or are counted in `dropped` (delivered + dropped =
// emitted), the link recovers once Redis answers, and handlers answer their clients within 1 s.

/** Polls `condition` every 50 ms; rejects with `what` after `timeoutMs`. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Setup {
  readonly server: RedisServer;
  readonly clients: RedisClients;
  readonly sender: GatewayNode;
  readonly receiver: GatewayNode;
  readonly talker: WireClient;
  readonly listener: WireClient;
}

async function setup(
  options: Partial<RedisAdapterOptions> = {},
  serverArgs: string[] = [],
): Promise<Setup> {
  const server = await RedisServer.start(serverArgs);
  const clients = new RedisClients(server.port);
  const sender = await GatewayNode.start(clients, options);
  const receiver = await GatewayNode.start(clients, options);
  const talker = await WireClient.open(sender.url('/rooms/a'));
  const listener = await WireClient.open(receiver.url('/rooms/a'));
  await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
  await talker.request('to-room', { room: 'a', text: 'warm-up' });
  await listener.waitFor(1, 10000);
  return { server, clients, sender, receiver, talker, listener };
}

async function teardown(s: Setup): Promise<void> {
  s.server.resume();
  await Promise.all([s.talker.close(), s.listener.close()]);
  await Promise.all([s.sender.app.close(), s.receiver.app.close()]);
  await s.clients.quitAll();
  await s.server.stop();
}

/** What the listener heard after the warm-up, as frame numbers. */
const numbers = (listener: WireClient) =>
  listener.heard.slice(1).map((text) => parseInt(text.slice(1), 10));
const dropped = (s: Setup) => s.sender.adapter.stats().dropped + s.receiver.adapter.stats().dropped;

/**
 * Checks the promise of every scenario: each frame delivered once and in order or counted as
 * dropped, and the last one (emitted once Redis answered again) delivered.
 */
async function accountFor(s: Setup, emitted: number, timeoutMs: number) {
  await until(
    () => s.listener.heard.length - 1 + dropped(s) >= emitted,
    timeoutMs,
    `delivered + dropped reaches ${emitted}`,
  );
  const heard = numbers(s.listener);
  for (let i = 1; i < heard.length; i++) expect(heard[i]).toBeGreaterThan(heard[i - 1]);
  expect(heard.length + dropped(s)).toBe(emitted);
  expect(heard.at(-1)).toBe(emitted - 1);
  return { delivered: heard.length, dropped: dropped(s) };
}

/** Emits `count` frames at `perSecond` through the talker; `at[i]` runs right after frame i. */
function stream(
  s: Setup,
  count: number,
  perSecond: number,
  at: Record<number, () => void>,
  first = 0,
  pad = '',
): Promise<number[]> {
  const latencies: Promise<number>[] = [];
  return new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      latencies.push(s.talker.request('to-room', { room: 'a', text: `f${first + i}${pad}` }));
      at[i]?.();
      if (++i === count) {
        clearInterval(timer);
        resolve(Promise.all(latencies));
      }
    }, 1000 / perSecond);
  });
}

/**
 * One stall scenario in real processes (a sender and a receiver gateway process on their own
 * redis-server), so the receiver's catch-up never shares an event loop with the sender's
 * handlers: what is measured is what a deployment sees.
 */
async function stall(compiled: string, seconds: number, perSecond: number) {
  const server = await RedisServer.start();
  const [sender, receiver] = await Promise.all([
    GatewayChild.fork(compiled, server.port),
    GatewayChild.fork(compiled, server.port),
  ]);
  const talker = await WireClient.open(sender.url('/rooms/a'));
  const listener = await WireClient.open(receiver.url('/rooms/a'));
  try {
    await Promise.all([sender.settled(), receiver.settled()]);
    await talker.request('to-room', { room: 'a', text: 'warm-up' });
    await listener.waitFor(1, 10000);
    const frames = perSecond * (2 + seconds + 3);
    const latencies = await stream({ talker } as Setup, frames, perSecond, {
      [2 * perSecond]: () => server.pause(),
      [(2 + seconds) * perSecond]: () => server.resume(),
    });
    const dropped = async () => (await sender.stats()).dropped + (await receiver.stats()).dropped;
    await until(
      async () => listener.heard.length - 1 + (await dropped()) >= frames,
      30000,
      `delivered + dropped reaches ${frames}`,
    );
    const heard = numbers(listener);
    for (let i = 1; i < heard.length; i++) expect(heard[i]).toBeGreaterThan(heard[i - 1]);
    expect(heard.length + (await dropped())).toBe(frames);
    expect(heard.at(-1)).toBe(frames - 1);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // One warn when the stall is noticed, one info with the counts once everything went out.
    const logged = async (level: string, text: string) =>
      (await sender.logs()).filter((entry) => entry.level === level && entry.msg.includes(text));
    expect(await logged('warn', 'has not answered')).toHaveLength(1);
    await until(
      async () => (await logged('info', 'takes broadcasts again')).length > 0,
      5000,
      'info',
    );
    expect(await logged('info', 'takes broadcasts again')).toHaveLength(1);
    return {
      seconds,
      frames,
      delivered: heard.length,
      dropped: await dropped(),
      maxLatencyMs: Math.max(...latencies),
    };
  } finally {
    server.resume();
    await Promise.all([talker.close(), listener.close()]);
    await Promise.all([sender.close(), receiver.close()]);
    await server.stop();
  }
}

describeRedis('RedisAdapter under Redis faults (real redis-server, two gateway apps)', () => {
  it('survives stalls of 4, 15 and 25 s at 100 emits/s (side by side: one Redis and two processes each)', async () => {
    const compiled = compileGatewayProcess();
    const results = await Promise.all([
      stall(compiled, 4, 100),
      stall(compiled, 15, 100),
      stall(compiled, 25, 100),
    ]).finally(() => removeCompiled(compiled));
    // Up to MAX_IN_FLIGHT frames wait inside Redis's socket; later ones in the bounded queue
    // (maxAgeMs 10 s): the 25 s stall outlasts it, so frames are dropped there, and counted.
    expect(results[0].dropped).toBe(0);
    expect(results[1].dropped).toBe(0);
    expect(results[2].dropped).toBeGreaterThan(0);
    process.stdout.write(`stall figures: ${JSON.stringify(results)}\n`);
  }, 90000);

  it('counts a burst beyond the queue during a stall as dropped, and delivers what comes after', async () => {
    const s = await setup({ replayBuffer: { maxFrames: 200 } });
    try {
      s.server.pause();
      // 3,000 requests in about 3 s: far beyond the 200 frames the queue may hold.
      const burst = await stream(s, 3000, 1000, {});
      expect(Math.max(...burst)).toBeLessThan(1000);
      await until(() => s.sender.logged('warn').length > 0, 5000, 'a warn');
      s.server.resume();
      const after = await stream(s, 100, 100, {}, 3000);
      expect(Math.max(...after)).toBeLessThan(1000);
      const counts = await accountFor(s, 3000 + 100, 20000).catch(async () => {
        throw new Error(`heard ${s.listener.heard.length - 1}, dropped ${dropped(s)}`);
      });
      expect(counts.dropped).toBeGreaterThanOrEqual(2800);
      expect(s.sender.logged('warn')).toHaveLength(1);
    } finally {
      await teardown(s);
    }
  }, 60000);

  it('catches up after Redis cut a slow subscriber (client-output-buffer-limit pubsub), counting what the history lost', async () => {
    const s = await setup({ history: { maxFrames: 1000 } });
    try {
      const admin = s.clients.client();
      await admin.config('SET', 'client-output-buffer-limit', 'pubsub 256kb 128kb 1');
      const cut = new Promise((resolve) => s.receiver.sub.once('close', resolve));
      // The receiving process stops reading its subscriber socket: a consumer slower than the flood.
      const socket = (s.receiver.sub as unknown as { stream: { pause(): void; resume(): void } })
        .stream;
      socket.pause();
      const flood = await stream(s, 3000, 500, {}, 0, ` ${'x'.repeat(4000)}`);
      expect(Math.max(...flood)).toBeLessThan(1000);
      await until(
        () => s.sender.adapter.stats().published >= 3001,
        20000,
        'the sender published the flood',
      );
      socket.resume();
      await cut;
      const after = await stream(s, 50, 100, {}, 3000);
      expect(Math.max(...after)).toBeLessThan(1000);
      const counts = await accountFor(s, 3050, 20000);
      expect(counts.dropped).toBeGreaterThan(0); // more than the history keeps went past the cut
      expect(s.receiver.adapter.stats().replayed).toBeGreaterThan(0);
      expect(s.receiver.logged('warn', 'gone from its history').length).toBeGreaterThan(0);
      process.stdout.write(`output-buffer cut figures: ${JSON.stringify(counts)}\n`);
    } finally {
      await teardown(s);
    }
  }, 60000);
});
