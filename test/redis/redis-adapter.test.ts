import type { Redis } from 'ioredis';
import { RedisAdapter, type RedisAdapterOptions } from '../../src/redis';
import type { AdapterLink } from '../../src/gateway/adapter';
import { channelKeys } from '../../src/redis/channel-keys';
import { runPublish } from '../../src/redis/publish-script';
import type { RedisLink } from '../../src/redis/redis-link';
import { encodeFrame } from '../../src/redis/redis-wire';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { describeRedis, RedisClients, sharedRedisPort } from './redis-clients';

describe('RedisAdapter options', () => {
  const client = () =>
    ({ publish: () => undefined, subscribe: () => undefined }) as unknown as Redis;
  const pub = client();
  const sub = client();

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /options.pub and options.sub must be two distinct ioredis clients/],
    ['a missing sub', { pub }, /options.sub/],
    ['the same client twice', { pub, sub: pub }, /two distinct ioredis clients/],
    ['a pub that is not a client', { pub: {}, sub }, /options.pub/],
    [
      'an empty prefix',
      { pub, sub, prefix: '' },
      /options.prefix must be a non-empty string, got $/,
    ],
    [
      'a prefix that is not a string',
      { pub, sub, prefix: 7 },
      /options.prefix must be a non-empty string, got 7/,
    ],
    [
      'maxFrames 0',
      { pub, sub, replayBuffer: { maxFrames: 0 } },
      /replayBuffer.maxFrames must be a positive integer, got 0/,
    ],
    ['fractional maxFrames', { pub, sub, replayBuffer: { maxFrames: 1.5 } }, /maxFrames/],
    [
      'maxAgeMs 0',
      { pub, sub, replayBuffer: { maxAgeMs: 0 } },
      /replayBuffer.maxAgeMs must be a positive integer, got 0/,
    ],
    ['maxAgeMs NaN', { pub, sub, replayBuffer: { maxAgeMs: NaN } }, /maxAgeMs/],
    ['maxBytes -1', { pub, sub, replayBuffer: { maxBytes: -1 } }, /replayBuffer.maxBytes/],
    ['history.maxFrames 0', { pub, sub, history: { maxFrames: 0 } }, /history.maxFrames/],
    ['history.ttlMs 0.5', { pub, sub, history: { ttlMs: 0.5 } }, /history.ttlMs/],
    [
      'a Cluster pub with a plain sub',
      { pub: Object.assign(client(), { isCluster: true }), sub },
      /both be Cluster clients, or both plain Redis clients/,
    ],
  ])('rejects %s with FWG_ERR_INVALID_ARGUMENT naming the option', (_, options, message) => {
    expect(() => new RedisAdapter(options as RedisAdapterOptions)).toThrow(
      expect.objectContaining({
        code: 'FWG_ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('starts with zeroed stats', () => {
    expect(new RedisAdapter({ pub, sub }).stats()).toEqual({
      published: 0,
      received: 0,
      replayed: 0,
      dropped: 0,
      malformed: 0,
    });
  });
});

describeRedis('RedisAdapter on a real Redis', () => {
  let clients: RedisClients;
  let test = 0;
  const links: AdapterLink[] = [];
  const prefix = () => `unit-${process.pid}-${test}`;
  const feed = (room?: string) => channelKeys(prefix(), '/feed', room);

  function node(
    options: Partial<RedisAdapterOptions> = {},
    channel = new RecordingChannel('/feed'),
  ) {
    const pair = { ...clients.pair(), ...options };
    const adapter = new RedisAdapter({ ...pair, prefix: prefix() });
    const link = adapter.open(channel) as RedisLink;
    links.push(link);
    return { adapter, channel, link, pub: pair.pub as Redis };
  }

  /** Channels with subscribers on the server, of this test's prefix. */
  async function subscribed(): Promise<string[]> {
    const names = (await clients.client().pubsub('CHANNELS', `{${prefix()}:*`)) as string[];
    return names.sort();
  }

  beforeEach(() => {
    test++;
    clients = new RedisClients(sharedRedisPort());
  });

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await clients.quitAll();
  });

  it('listens to a room’s channel only while it has a member there, plus one gateway-wide channel', async () => {
    const { adapter, link } = node();
    await adapter.settled();
    expect(await subscribed()).toEqual([feed().channel]);

    link.roomAdded('a b');
    link.roomAdded('c');
    await adapter.settled();
    expect(await subscribed()).toEqual(
      [feed().channel, feed('a b').channel, feed('c').channel].sort(),
    );

    link.roomRemoved('a b');
    link.roomRemoved('never joined');
    await clients.client().ping();
    await adapter.settled();
    expect(await subscribed()).toEqual([feed().channel, feed('c').channel].sort());
  });

  it('reads none of the broadcasts of rooms where it has no member', async () => {
    const sender = node();
    const receiver = node();
    receiver.link.roomAdded('mine');
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    sender.link.publish(broadcast('elsewhere', ['other']));
    sender.link.publish(broadcast('here', ['mine']));
    sender.link.publish(broadcast('everyone'));
    await receiver.channel.waitFor(2);
    sender.link.publish(broadcast('barrier'));
    await receiver.channel.waitFor(3);
    expect(receiver.channel.payloads).toEqual(['here', 'everyone', 'barrier']);
    await sender.pub.ping(); // the answers to its publishes came first
    expect(sender.adapter.stats().published).toBe(4);
  });

  it('catches up from the channel history after its subscriber was cut, in order and once, over several pages', async () => {
    const sender = node({ history: { maxFrames: 5000 } });
    const pair = clients.pair({ retryStrategy: () => 300 });
    const subId = await pair.sub.client('ID'); // asked before it enters subscriber mode
    const receiver = node(pair);
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    sender.link.publish(broadcast('before'));
    await receiver.channel.waitFor(1);

    const closed = new Promise((resolve) => pair.sub.once('close', resolve));
    await clients.client().client('KILL', 'ID', String(subId));
    await closed;
    for (let i = 0; i < 1200; i++) sender.link.publish(broadcast(`f${i}`));
    await receiver.channel.waitFor(1201, 10000);
    sender.link.publish(broadcast('after'));
    await receiver.channel.waitFor(1202);
    expect(receiver.channel.payloads).toEqual([
      'before',
      ...Array.from({ length: 1200 }, (_, i) => `f${i}`),
      'after',
    ]);
    expect(receiver.adapter.stats()).toMatchObject({ received: 1202, dropped: 0 });
    expect(receiver.adapter.stats().replayed).toBeGreaterThan(0);
  });

  it('counts frames already gone from the history as dropped, and warns', async () => {
    const sender = node({ history: { maxFrames: 10 } });
    const pair = clients.pair({ retryStrategy: () => 300 });
    const subId = await pair.sub.client('ID');
    const receiver = node({ ...pair, history: { maxFrames: 10 } });
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    const closed = new Promise((resolve) => pair.sub.once('close', resolve));
    await clients.client().client('KILL', 'ID', String(subId));
    await closed;
    for (let i = 0; i < 500; i++) sender.link.publish(broadcast(`f${i}`));
    await new Promise((resolve) => pair.sub.once('ready', resolve));
    await receiver.adapter.settled();
    sender.link.publish(broadcast('f500'));
    await receiver.channel.waitFor((got) => got.some((b) => b.payload === 'f500'), 10000);

    const heard = receiver.channel.payloads.map((p) => Number(p.slice(1)));
    expect(heard.length).toBeGreaterThanOrEqual(11); // Redis trims whole stream nodes: at least maxFrames stay
    expect(heard).toEqual(Array.from({ length: heard.length }, (_, i) => 501 - heard.length + i));
    expect(receiver.adapter.stats().dropped).toBe(501 - heard.length);
    expect(receiver.channel.logged('warn')).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ lost: 501 - heard.length }) }),
    ]);
  });

  it('delivers once a frame that was published twice (a publish retried after its answer was lost)', async () => {
    const receiver = node();
    await receiver.adapter.settled();
    const admin = clients.client();
    const message = encodeFrame('another-process', 7, broadcast('twice'));
    const bounds = { maxFrames: 100, ttlMs: 60000 };
    await runPublish(admin, feed(), 'epoch-x', message, bounds, false);
    await runPublish(admin, feed(), 'epoch-x', message, bounds, false);
    await runPublish(
      admin,
      feed(),
      'epoch-x',
      encodeFrame('another-process', 8, broadcast('next')),
      bounds,
      false,
    );
    await receiver.channel.waitFor(2);
    await runPublish(
      admin,
      feed(),
      'epoch-x',
      encodeFrame('third', 1, broadcast('barrier')),
      bounds,
      false,
    );
    await receiver.channel.waitFor(3);
    expect(receiver.channel.payloads).toEqual(['twice', 'next', 'barrier']);
  });

  it('follows a channel into a new epoch when Redis lost its counter (expiry, restart), from offset 1', async () => {
    const sender = node();
    const receiver = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    sender.link.publish(broadcast('old epoch'));
    await receiver.channel.waitFor(1);
    await clients.client().del(feed().meta, feed().history);
    for (let i = 0; i < 3; i++) sender.link.publish(broadcast(`new ${i}`));
    await receiver.channel.waitFor(4);
    expect(receiver.channel.payloads).toEqual(['old epoch', 'new 0', 'new 1', 'new 2']);
    expect(receiver.adapter.stats().dropped).toBe(0);
    expect(receiver.channel.logged('debug').map((entry) => entry.msg)).toContain(
      'RedisAdapter: a channel starts a new epoch (its history expired, or Redis restarted)',
    );
  });

  it('counts and logs once the messages on its channels that are not in its format, live or in history, and goes on', async () => {
    const pair = clients.pair({ retryStrategy: () => 300 });
    const subId = await pair.sub.client('ID');
    const receiver = node(pair);
    const sender = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    const admin = clients.client();
    await admin.publish(feed().channel, 'not a frame');
    await admin.publish(feed().channel, 'e 1\n{"t":"d","s":"old-version","n":1}\nbody');
    sender.link.publish(broadcast('real'));
    await receiver.channel.waitFor(1);

    // An entry of another format inside the history, read while catching up.
    const closed = new Promise((resolve) => pair.sub.once('close', resolve));
    await admin.client('KILL', 'ID', String(subId));
    await closed;
    const bounds = { maxFrames: 100, ttlMs: 60000 };
    await runPublish(admin, feed(), 'unused', '{"foreign":true}\nx', bounds, false);
    sender.link.publish(broadcast('after'));
    await receiver.channel.waitFor(2, 10000);

    expect(receiver.channel.payloads).toEqual(['real', 'after']);
    expect(receiver.adapter.stats()).toMatchObject({ malformed: 3, dropped: 0 });
    const warned = receiver.channel.logged('warn');
    expect(warned).toHaveLength(1);
    expect(warned[0].msg).toContain('not in this adapter');
  });

  it('catches up on a room it joined while its publishing connection was down, once that is back', async () => {
    const sender = node();
    // No offline queue: reads fail at once while the connection is down, as they may after retries.
    const pair = clients.pair({ retryStrategy: () => 300, enableOfflineQueue: false });
    const receiver = node(pair);
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    const pubId = await pair.pub.client('ID');
    const closed = new Promise((resolve) => pair.pub.once('close', resolve));
    await clients.client().client('KILL', 'ID', String(pubId));
    await closed;
    receiver.link.roomAdded('late'); // subscribed, but its head and history cannot be read yet
    await new Promise((resolve) => pair.pub.once('ready', resolve));
    await receiver.adapter.settled();
    sender.link.publish(broadcast('to late', ['late']));
    await receiver.channel.waitFor(1);
    expect(receiver.channel.payloads).toEqual(['to late']);
  });

  it('does not call a client error an outage while both connections are up', async () => {
    const pair = clients.pair();
    const { adapter, channel } = node(pair);
    await adapter.settled();
    pair.pub.emit('error', new Error('a reply error ioredis chose to emit'));
    expect(channel.logged('warn')).toHaveLength(0);
    expect(channel.logged('debug')).toHaveLength(1);
  });

  it('sends publishes Redis refused again, in order, once it takes them', async () => {
    const admin = clients.client();
    const user = `fwg-${prefix()}`;
    await admin.acl('SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all');
    try {
      const pub = clients.client({ username: user, password: 'x' });
      const sender = node({ pub, sub: clients.client() });
      const receiver = node();
      await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
      await admin.acl('SETUSER', user, '-eval'); // Redis refuses the publish script (NOPERM)
      for (let i = 0; i < 5; i++) sender.link.publish(broadcast(`f${i}`));
      await pub.ping(); // every refusal came back
      expect(sender.adapter.stats().published).toBe(0);
      await admin.acl('SETUSER', user, '+eval');
      await receiver.channel.waitFor(5);
      await pub.ping(); // the answers to the publishes came first
      expect(receiver.channel.payloads).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
      expect(sender.adapter.stats()).toMatchObject({ published: 5, dropped: 0 });
    } finally {
      await admin.acl('DELUSER', user);
    }
  });

  it('waits for a publishing client that connects later (lazyConnect), then sends what was emitted', async () => {
    const pub = clients.client({ lazyConnect: true });
    const sub = clients.client();
    await sub.ping();
    const receiver = node();
    await receiver.adapter.settled();
    const sender = node({ pub, sub });
    // Its own first read connects it; until then the frame waits in the adapter.
    sender.link.publish(broadcast('before connect'));
    expect(pub.status).not.toBe('ready');
    await receiver.channel.waitFor(1);
    expect(receiver.channel.payloads).toEqual(['before connect']);
    await pub.ping();
    expect(sender.adapter.stats().published).toBe(1);
  });

  it('can be closed right after it opened', async () => {
    const pair = clients.pair();
    await pair.sub.ping();
    const adapter = new RedisAdapter({ ...pair, prefix: prefix() });
    const link = adapter.open(new RecordingChannel('/feed'));
    link.roomAdded!('r');
    await link.close();
    link.roomAdded!('late');
    await adapter.settled();
    await pair.sub.ping();
    expect(await subscribed()).toEqual([]);
  });

  it('logs a throwing delivery and goes on with the next broadcast', async () => {
    const channel = new RecordingChannel('/feed');
    const deliver = channel.deliver.bind(channel);
    channel.deliver = (b) => {
      deliver(b);
      if (b.payload === 'boom') throw new Error('handler bug');
    };
    const receiver = node({}, channel);
    const sender = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    sender.link.publish(broadcast('boom'));
    sender.link.publish(broadcast('ok'));
    await receiver.channel.waitFor(2);
    expect(receiver.channel.payloads).toEqual(['boom', 'ok']);
    expect(receiver.channel.logged('error')).toHaveLength(1);
  });

  it('ignores channels it does not own on a shared sub client', async () => {
    const pair = clients.pair();
    const seenByUser: string[] = [];
    pair.sub.on(
      'message',
      (name: string, message: string) => name === 'user-channel' && seenByUser.push(message),
    );
    await pair.sub.subscribe('user-channel');
    const receiver = node(pair);
    const sender = node();
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    await clients.client().publish('user-channel', 'for the user');
    sender.link.publish(broadcast('real'));
    await receiver.channel.waitFor(1);
    expect(receiver.channel.payloads).toEqual(['real']);
    expect(seenByUser).toEqual(['for the user']);
    expect(receiver.adapter.stats().malformed).toBe(0);
  });

  it('close() unsubscribes and leaves the user’s clients usable', async () => {
    const pair = clients.pair();
    const { adapter, link } = node(pair);
    link.roomAdded('r');
    await adapter.settled();
    await link.close();
    await link.close();

    expect(pair.pub.status).toBe('ready');
    await pair.pub.set(`${prefix()}:k`, 'v');
    // A client still in subscriber mode would refuse GET.
    expect(await pair.sub.get(`${prefix()}:k`)).toBe('v');
    expect(await subscribed()).toEqual([]);
  });

  it('keeps listening while another app of the process still uses the same adapter and path', async () => {
    const pair = clients.pair();
    const shared = new RedisAdapter({ ...pair, prefix: prefix() });
    const first = shared.open(new RecordingChannel('/feed'));
    const secondChannel = new RecordingChannel('/feed');
    const second = shared.open(secondChannel);
    links.push(second);
    const sender = node();
    await Promise.all([shared.settled(), sender.adapter.settled()]);
    await first.close();
    sender.link.publish(broadcast('still here'));
    await secondChannel.waitFor(1);
    expect(secondChannel.payloads).toEqual(['still here']);
  });
});
