import type { Redis } from 'ioredis';
import { RedisAdapter, type ReplayBufferOptions } from '../../src/redis';
import type { AdapterLink } from '../../src/gateway/adapter';
import { MAX_IN_FLIGHT } from '../../src/redis/outbox';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { RedisServer } from '../support/redis-server';
import { until, within } from '../support/waiting';
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

  function node(replayBuffer?: ReplayBufferOptions): Node {
    const { pub, sub } = clients.pair({ reconnect: true, bare: true });
    const adapter = new RedisAdapter({ pub, sub, prefix: 'outage', replayBuffer });
    const channel = new RecordingChannel('/feed');
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
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
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
    expect(receiver.adapter.stats()).toMatchObject({ received: 1 + FRAMES, dropped: 0 });
    expect(slowestEmitMs).toBeLessThan(100); // synchronous: never waits for Redis (loose bound for a loaded CI machine)
    expect(offlineQueued).toBe(0);
    // One warn when the outage starts, one info with the counts when it ends.
    expect(sender.channel.logged('warn')).toHaveLength(1);
    const ended = sender.channel.logged('info');
    expect(ended).toHaveLength(1);
    expect(ended[0].obj).toMatchObject({ path: '/feed', dropped: 0 });
    expect(ended[0].obj.published).toBeGreaterThanOrEqual(90); // ~100 frames waited for Redis
    process.stdout.write(
      `outage figures: ${FRAMES} frames sent across a 2 s restart, ${FRAMES + 1 - receiver.channel.received.length} lost; sender ${JSON.stringify(stats)}, receiver ${JSON.stringify(receiver.adapter.stats())}\n`,
    );
  }, 20000);

  it('starts while Redis is down without hanging or throwing, warns once, and works once it is back', async () => {
    await server.kill();
    const a = node();
    const b = node();
    const startedAt = Date.now();
    for (let i = 0; i < 20; i++) a.link.publish(broadcast(`early-${i}`));
    expect(Date.now() - startedAt).toBeLessThan(100);
    // Wait until ioredis has reported the refused connection at least once.
    await new Promise((resolve) => a.pub.once('error', resolve));
    expect(a.channel.logged('warn')).toHaveLength(1);
    expect(a.channel.logged('warn')[0].msg).toContain('"/feed"');

    await server.start();
    await Promise.all([a.adapter.settled(), b.adapter.settled()]);
    b.link.publish(broadcast('from-b'));
    await a.channel.waitFor(1, 10000);
    expect(a.channel.payloads).toEqual(['from-b']);
    // The early frames went out once Redis answered (b was not subscribed yet: not owed to it).
    await a.pub.ping(); // the answers to its publishes came first
    expect(a.adapter.stats()).toMatchObject({ published: 20, dropped: 0 });
    expect(a.channel.logged('info').filter((e) => e.msg.includes('again'))).toHaveLength(1);
  });

  it('drops the oldest waiting frames past maxFrames during an outage, counts them, and delivers the rest', async () => {
    const receiver = node();
    const sender = node({ maxFrames: 10 });
    await Promise.all([receiver.adapter.settled(), sender.adapter.settled()]);
    await server.kill();
    await new Promise((resolve) => sender.pub.once('reconnecting', resolve));
    for (let i = 0; i < 25; i++) sender.link.publish(broadcast(`f${i}`));
    expect(sender.adapter.stats().dropped).toBe(15);

    await server.start();
    await receiver.channel.waitFor(10, 10000);
    expect(receiver.channel.payloads).toEqual(Array.from({ length: 10 }, (_, i) => `f${i + 15}`));
    await until(() => sender.channel.logged('info').length > 0); // the next health check ends the outage
    expect(sender.channel.logged('info')[0].obj).toMatchObject({ published: 10, dropped: 15 });
  });

  it('lets at most MAX_IN_FLIGHT publishes wait in ioredis while Redis stalls, and delivers them all in order', async () => {
    const sender = node();
    const receiver = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    sender.link.publish(broadcast('warm-up'));
    await receiver.channel.waitFor(1);
    const admin = clients.client();
    await admin.client('PAUSE', 800, 'WRITE'); // scripts wait, as with an overloaded server

    let queued = 0;
    for (let i = 0; i < MAX_IN_FLIGHT + 500; i++) {
      sender.link.publish(broadcast(`f${i}`));
      queued = Math.max(queued, commandQueueLength(sender.pub));
    }
    expect(queued).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    await receiver.channel.waitFor(1 + MAX_IN_FLIGHT + 500, 10000);
    expect(receiver.channel.payloads.slice(1)).toEqual(
      Array.from({ length: MAX_IN_FLIGHT + 500 }, (_, i) => `f${i}`),
    );
    await sender.pub.ping(); // the answers to the publishes came first
    expect(sender.adapter.stats()).toMatchObject({ published: MAX_IN_FLIGHT + 501, dropped: 0 });
  });

  it('does not listen again, after a reconnect, to a room left while Redis was down', async () => {
    const a = node();
    a.link.roomAdded!('gone');
    a.link.roomAdded!('kept');
    await a.adapter.settled();
    await server.kill();
    await new Promise((resolve) => a.sub.once('reconnecting', resolve));
    a.link.roomRemoved!('gone');
    const ready = new Promise((resolve) => a.sub.once('ready', resolve));
    await server.start();
    await ready;
    await a.sub.ping(); // answered after the adapter's own commands sent on 'ready'
    await a.adapter.settled();
    const channels = (await clients.client().pubsub('CHANNELS', '{outage:*')) as string[];
    expect(channels.sort()).toEqual(['{outage:/feed#kept}', '{outage:/feed}']);
  });

  it('logs one warn and one info for a stretch of drops, however many health checks it spans', async () => {
    const receiver = node();
    const sender = node({ maxFrames: 5 });
    await Promise.all([receiver.adapter.settled(), sender.adapter.settled()]);
    await clients.client().client('PAUSE', 1500, 'WRITE'); // slow, but short of a 2 s stall
    for (let i = 0; i < 10; i++) sender.link.publish(broadcast(`a${i}`));
    await new Promise((resolve) => setTimeout(resolve, 700)); // at least one health check
    for (let i = 0; i < 10; i++) sender.link.publish(broadcast(`b${i}`));
    await receiver.channel.waitFor(5, 10000);
    await until(() => sender.channel.logged('info').length > 0); // the outage ends once Redis answered
    expect(sender.adapter.stats()).toMatchObject({ published: 5, dropped: 15 });
    expect(sender.channel.logged('warn')).toHaveLength(1);
    expect(sender.channel.logged('info')).toHaveLength(1);
    expect(sender.channel.logged('info')[0].obj).toMatchObject({ published: 5, dropped: 15 });
  });

  it('calls a Redis that has not answered a publish for 2 s a stall: one warn, then one info once it answers', async () => {
    const sender = node();
    const receiver = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    await clients.client().client('PAUSE', 2600, 'WRITE');
    sender.link.publish(broadcast('held'));
    await receiver.channel.waitFor(1, 10000);
    await until(() => sender.channel.logged('info').length > 0);
    expect(sender.channel.logged('warn').map((entry) => entry.obj.cause)).toEqual(['stalled']);
    expect(sender.channel.logged('info')).toHaveLength(1);
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
