import type { Redis } from 'ioredis';
import { RedisAdapter } from '../../src/redis';
import type { AdapterLink } from '../../src/gateway/adapter';
import { MAX_UNCONFIRMED } from '../../src/redis/redis-link';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { RedisServer } from '../support/redis-server';
import { within } from '../support/waiting';
import { describeRedis, RedisClients } from './redis-clients';

/** One process of the test: an adapter on its own reconnecting clients, and its gateway's channel. */
interface Node {
  readonly adapter: RedisAdapter;
  readonly channel: RecordingChannel;
  readonly link: AdapterLink;
  readonly pub: Redis;
  readonly sub: Redis;
}

// ioredis internals, read to prove nothing piles up there.
function offlineQueueLength(client: Redis): number {
  return (client as unknown as { offlineQueue: { length: number } }).offlineQueue.length;
}

function commandQueueLength(client: Redis): number {
  return (client as unknown as { commandQueue: { length: number } }).commandQueue.length;
}

/** Emits `count` frames at `perSecond`, calling `at[i]` right after frame i; resolves after the last. */
function stream(
  count: number,
  perSecond: number,
  emit: (i: number) => void,
  at: Record<number, () => void>,
): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      emit(i);
      at[i]?.();
      if (++i === count) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / perSecond);
  });
}

// These tests kill their own redis-server (never the shared one) and start it again on the same port.
describeRedis('RedisAdapter through a real Redis outage', () => {
  let server: RedisServer;
  let clients: RedisClients;
  const links: AdapterLink[] = [];
  let consoleError: jest.SpyInstance;

  function node(path = '/feed'): Node {
    const { pub, sub } = clients.pair({ reconnect: true, bare: true });
    const adapter = new RedisAdapter({ pub, sub, prefix: 'outage' });
    const channel = new RecordingChannel(path);
    const link = adapter.open(channel);
    links.push(link);
    return { adapter, channel, link, pub, sub };
  }

  beforeEach(async () => {
    server = await RedisServer.start();
    clients = new RedisClients(server.port);
    consoleError = jest.spyOn(console, 'error');
  });

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await clients.quitAll();
    await server.stop();
    // ioredis prints "[ioredis] Unhandled error event" when a client has no 'error' listener.
    expect(consoleError.mock.calls.flat().join(' ')).not.toContain('Unhandled error event');
    consoleError.mockRestore();
  });

  it('loses no frame and keeps order across a 2-second Redis restart during a 50 emits/s stream', async () => {
    const sender = node();
    const receiver = node();
    sender.link.publish(broadcast('warm-up'));
    await receiver.channel.waitFor(1);

    const FRAMES = 250; // 5 s at 50/s: Redis dies at frame 50 and is back at frame 150 (2 s later)
    let restarted: Promise<void> = Promise.resolve();
    let slowestEmitMs = 0;
    let offlineQueued = 0;
    await stream(
      FRAMES,
      50,
      (i) => {
        const started = process.hrtime.bigint();
        sender.link.publish(broadcast(`frame-${i}`));
        slowestEmitMs = Math.max(slowestEmitMs, Number(process.hrtime.bigint() - started) / 1e6);
        offlineQueued = Math.max(offlineQueued, offlineQueueLength(sender.pub));
      },
      {
        49: () => void server.kill(),
        149: () => (restarted = server.start()),
      },
    );
    await restarted;
    await receiver.channel.waitFor(1 + FRAMES, 10000);

    expect(receiver.channel.payloads).toEqual([
      'warm-up',
      ...Array.from({ length: FRAMES }, (_, i) => `frame-${i}`),
    ]);
    const stats = sender.adapter.stats();
    expect(stats.dropped).toBe(0);
    expect(stats.replayed).toBeGreaterThanOrEqual(90); // ~100 frames were emitted while Redis was down
    expect(receiver.adapter.stats().received).toBe(1 + FRAMES);
    expect(slowestEmitMs).toBeLessThan(100); // synchronous: never waits for Redis (loose bound for a loaded CI machine)
    expect(offlineQueued).toBe(0);
    // One warn when the outage starts, one info with the counts when it ends.
    expect(sender.channel.logged('warn')).toHaveLength(1);
    const ended = sender.channel.logged('info');
    expect(ended).toHaveLength(1);
    expect(ended[0].obj).toMatchObject({ path: '/feed', dropped: 0 });
    expect(ended[0].obj.buffered).toBeGreaterThanOrEqual(90);
    process.stdout.write(
      `outage figures: ${FRAMES} frames sent, ${stats.replayed} replayed, ${FRAMES + 1 - receiver.channel.received.length} lost (${JSON.stringify(stats)})\n`,
    );
  }, 20000);

  it('starts while Redis is down without hanging or throwing, then delivers what was emitted meanwhile', async () => {
    await server.kill();
    const a = node();
    const b = node();
    const startedAt = Date.now();
    for (let i = 0; i < 20; i++) a.link.publish(broadcast(`early-${i}`));
    b.link.publish(broadcast('from-b'));
    expect(Date.now() - startedAt).toBeLessThan(100);
    // Wait until ioredis has reported the refused connection at least once.
    await new Promise((resolve) => a.pub.once('error', resolve));
    expect(a.channel.logged('warn')).toHaveLength(1);
    expect(a.channel.logged('warn')[0].msg).toContain('"/feed"');

    await server.start();
    await Promise.all([b.channel.waitFor(20), a.channel.waitFor(1)]);
    expect(b.channel.payloads).toEqual(Array.from({ length: 20 }, (_, i) => `early-${i}`));
    expect(a.channel.payloads).toEqual(['from-b']);
    expect(a.channel.logged('info')).toHaveLength(1);
  });

  it('drops the oldest frames past maxFrames during an outage, counts them, and delivers the rest', async () => {
    await server.kill();
    const receiver = node();
    const { pub, sub } = clients.pair({ reconnect: true, bare: true });
    const adapter = new RedisAdapter({
      pub,
      sub,
      prefix: 'outage',
      replayBuffer: { maxFrames: 10 },
    });
    const channel = new RecordingChannel('/feed');
    links.push(adapter.open(channel));
    for (let i = 0; i < 25; i++) links[1].publish(broadcast(`f${i}`));
    expect(adapter.stats().dropped).toBe(15);

    await server.start();
    await receiver.channel.waitFor(10);
    expect(receiver.channel.payloads).toEqual(Array.from({ length: 10 }, (_, i) => `f${i + 15}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.logged('info')[0].obj).toMatchObject({ buffered: 25, dropped: 15 });
  });

  it('lets at most MAX_UNCONFIRMED frames wait in ioredis while Redis stalls, and delivers them all in order', async () => {
    const sender = node();
    const receiver = node();
    sender.link.publish(broadcast('warm-up'));
    await receiver.channel.waitFor(1);
    const admin = clients.client();
    await admin.client('PAUSE', 800, 'WRITE'); // PUBLISH waits, as with an overloaded server

    let queued = 0;
    for (let i = 0; i < MAX_UNCONFIRMED + 500; i++) {
      sender.link.publish(broadcast(`f${i}`));
      queued = Math.max(queued, commandQueueLength(sender.pub));
    }
    expect(queued).toBeLessThanOrEqual(MAX_UNCONFIRMED + 5); // + heartbeats
    await receiver.channel.waitFor(1 + MAX_UNCONFIRMED + 500, 10000);
    expect(receiver.channel.payloads.slice(1)).toEqual(
      Array.from({ length: MAX_UNCONFIRMED + 500 }, (_, i) => `f${i}`),
    );
    // Held back by the cap, not by an outage: they count as published, none dropped.
    expect(sender.adapter.stats()).toMatchObject({ published: MAX_UNCONFIRMED + 500, dropped: 0 });
  });

  it('closes while Redis is down without waiting for it', async () => {
    const a = node();
    a.link.publish(broadcast('x'));
    await new Promise((resolve) => a.sub.once('ready', resolve));
    await server.kill();
    await new Promise((resolve) => a.sub.once('reconnecting', resolve));
    // Redis stays down for good: a close that waited for it would never settle.
    await within(links.splice(0)[0].close(), 2_000, 'closing the link with Redis down');
    await expect(a.link.close()).resolves.toBeUndefined(); // closing twice is harmless
    // The clients are the user's: closing the link neither quits nor disconnects them.
    expect([a.pub.status, a.sub.status]).not.toContain('end');
    expect(a.channel.logged('error')).toEqual([]);
  });
});
