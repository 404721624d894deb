import type { Redis } from 'ioredis';
import { RedisAdapter, type RedisAdapterOptions } from '../../src/redis';
import type { AdapterLink } from '../../src/gateway/adapter';
import type { RedisLink } from '../../src/redis/redis-link';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { ChannelWatcher } from './channel-watcher';
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
      /replayBuffer.maxAgeMs must be a positive number of ms, got 0/,
    ],
    ['maxAgeMs NaN', { pub, sub, replayBuffer: { maxAgeMs: NaN } }, /maxAgeMs/],
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
    });
  });
});

describeRedis('RedisAdapter on a real Redis', () => {
  let clients: RedisClients;
  let watcher: ChannelWatcher;
  let test = 0;
  const links: AdapterLink[] = [];
  const prefix = () => `unit-${process.pid}-${test}`;

  function node(
    options: Partial<RedisAdapterOptions> = {},
    channel = new RecordingChannel('/feed'),
  ) {
    const adapter = new RedisAdapter({ ...clients.pair(), prefix: prefix(), ...options });
    const link = adapter.open(channel) as RedisLink;
    links.push(link);
    return { adapter, channel, link };
  }

  /** Resolves once `link` announced itself on the channel (it is subscribed and can publish). */
  const up = (link: RedisLink) => watcher.next((h) => h.s === link.id && h.t === 'h' && h.q === 1);

  beforeEach(async () => {
    test++;
    clients = new RedisClients(sharedRedisPort());
    watcher = await ChannelWatcher.watch(clients.client(), clients.client(), `${prefix()}:/feed`);
  });

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await clients.quitAll();
  });

  it('answers a replay request with the frames its buffer still has, in order', async () => {
    const { adapter, link } = node({ replayBuffer: { maxFrames: 3 } });
    await up(link);
    for (let i = 1; i <= 5; i++) link.publish(broadcast(`f${i}`));
    await watcher.next((h) => h.s === link.id && h.t === 'd' && h.n === 5);

    let mark = watcher.seen.length;
    await watcher.control({ t: 'r', s: 'peer-x', to: link.id, n: 1, a: 0 });
    await watcher.next((h) => h.s === link.id && h.t === 'd' && h.n === 5, 5000, mark);
    const answer = watcher.seen
      .slice(mark)
      .filter((h) => h.s === link.id && (h.t === 'p' || h.t === 'd'));
    expect(answer.map((h) => `${h.t}${h.n}`)).toEqual(['p3', 'd3', 'd4', 'd5']);

    // By time: "everything since you (peer-y) started"; a start in the future gets nothing.
    mark = watcher.seen.length;
    await watcher.control({ t: 'r', s: 'peer-y', to: link.id, n: 0, a: 1 });
    await watcher.control({ t: 'r', s: 'peer-z', to: link.id, n: 0, a: Date.now() + 60000 });
    await watcher.next(
      (h) => h.t === 'p' && h.s === link.id && (h as { to: string }).to === 'peer-z',
      5000,
      mark,
    );
    const byTime = watcher.seen
      .slice(mark)
      .filter((h) => h.s === link.id && (h.t === 'p' || h.t === 'd'));
    expect(byTime.map((h) => `${h.t}${h.n}`)).toEqual(['p3', 'd3', 'd4', 'd5', 'p6']);
    expect(adapter.stats()).toMatchObject({ published: 5, replayed: 6, dropped: 0 });
  });

  it('holds another process’s frames after a gap, asks for the missing ones, and delivers each once in order', async () => {
    const { channel, link } = node();
    await up(link);
    await watcher.data('peer-x', 5, 'five');
    // First contact: asks peer-x for what it emitted since this link opened.
    const request = await watcher.next((h) => h.s === link.id && h.t === 'r');
    expect(request).toMatchObject({ to: 'peer-x', a: expect.any(Number) });
    expect((request as { a: number }).a).toBeGreaterThan(0);

    await watcher.control({ t: 'p', s: 'peer-x', to: link.id, n: 3 });
    await watcher.control({ t: 'p', s: 'peer-x', to: 'someone-else', n: 1 });
    // Let a heartbeat tick see the stream half-way (progress made, gap still open) before filling it.
    const mark = watcher.seen.length;
    await watcher.next((h) => h.s === link.id && h.t === 'h', 5000, mark);
    await watcher.next(
      (h) => h.s === link.id && h.t === 'h' && watcher.from(link.id, 'h').length > 1,
      5000,
      mark,
    );
    await watcher.data('peer-x', 4, 'four');
    await watcher.data('peer-x', 3, 'three');
    await watcher.data('peer-x', 4, 'four again');
    await watcher.data('peer-x', 6, 'six');
    await channel.waitFor(4);
    // A later frame from the same sender proves nothing else was delivered in between.
    await watcher.data('peer-x', 7, 'seven');
    await channel.waitFor(5);
    expect(channel.payloads).toEqual(['three', 'four', 'five', 'six', 'seven']);
  });

  it('warns when another process no longer has frames this one missed', async () => {
    const { channel, link } = node();
    await up(link);
    await watcher.control({ t: 'h', s: 'peer-x', n: 0, q: 0 });
    await watcher.next((h) => h.s === link.id && h.t === 'r');
    await watcher.control({ t: 'p', s: 'peer-x', to: link.id, n: 1 });
    await watcher.data('peer-x', 1, 'one');
    await channel.waitFor(1);
    await watcher.control({ t: 'h', s: 'peer-x', n: 4, q: 0 });
    await watcher.next((h) => h.s === link.id && h.t === 'r' && h.n === 2);
    await watcher.control({ t: 'p', s: 'peer-x', to: link.id, n: 4 });
    await watcher.data('peer-x', 4, 'four');
    await channel.waitFor(2);

    expect(channel.payloads).toEqual(['one', 'four']);
    expect(channel.logged('warn')).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ sender: 'peer-x', lost: 2 }) }),
    ]);
  });

  it('gives up on a silent sender once its frames would have expired, then forgets it', async () => {
    const { channel, link } = node({ replayBuffer: { maxAgeMs: 300 } });
    await up(link);
    await watcher.data('silent-a', 2, 'held'); // held until the (never coming) replay answer
    await watcher.control({ t: 'h', s: 'silent-b', n: 3, q: 0 });
    // No answer: it asks again each second, then delivers what it holds and moves on.
    await channel.waitFor(1, 10000);
    expect(channel.payloads).toEqual(['held']);
    expect(
      watcher.from(link.id, 'r').filter((h) => (h as { to: string }).to === 'silent-a').length,
    ).toBeGreaterThan(1);
    await watcher.data('silent-b', 4, 'b4');
    await channel.waitFor(2);
    expect(channel.payloads).toEqual(['held', 'b4']);

    // Silent for longer than maxAgeMs plus a few heartbeats: forgotten, so its next frame is a first contact again.
    const heads = watcher.from(link.id, 'h').length;
    await watcher.next(
      (h) => h.s === link.id && h.t === 'h' && watcher.from(link.id, 'h').length >= heads + 6,
      10000,
    );
    const mark = watcher.seen.length;
    await watcher.data('silent-b', 5, 'b5');
    const again = await watcher.next((h) => h.s === link.id && h.t === 'r', 5000, mark);
    expect(again).toMatchObject({ to: 'silent-b', n: 0 });
  }, 25000);

  it('publishes nothing while its publishing connection is down, and catches up once it is back', async () => {
    const pair = clients.pair({ retryStrategy: () => 300 });
    const { channel, link } = node(pair);
    await up(link);
    const pubId = await pair.pub.client('ID');
    const closed = new Promise((resolve) => pair.pub.once('close', resolve));
    await clients.client().client('KILL', 'ID', String(pubId));
    await closed;

    // A query, a first contact and a replay request, all while it cannot publish.
    await watcher.control({ t: 'h', s: 'peer-q', n: 0, q: 1 });
    await watcher.control({ t: 'r', s: 'peer-q', to: link.id, n: 1, a: 0 });
    await watcher.data('peer-q', 1, 'one');
    await watcher.next((h) => h.s === 'peer-q' && h.t === 'd');
    const offline = (pair.pub as unknown as { offlineQueue: { length: number } }).offlineQueue;
    expect(offline.length).toBe(0);
    expect(channel.received).toHaveLength(0);

    // Back: it asks peer-q where to start, and delivers once answered.
    const mark = watcher.seen.length;
    const request = await watcher.next((h) => h.s === link.id && h.t === 'r', 5000, mark);
    expect(request).toMatchObject({ to: 'peer-q', n: 0 });
    await watcher.control({ t: 'p', s: 'peer-q', to: link.id, n: 1 });
    await channel.waitFor(1);
    expect(channel.payloads).toEqual(['one']);
  });

  it('does not call a client error an outage while both connections are up', async () => {
    const pair = clients.pair();
    const { channel, link } = node(pair);
    await up(link);
    pair.pub.emit('error', new Error('a reply error ioredis chose to emit'));
    expect(channel.logged('warn')).toHaveLength(0);
    expect(channel.logged('debug')).toHaveLength(1);
  });

  it('waits for a publishing client that connects later (lazyConnect), then sends what was emitted', async () => {
    const pub = clients.client({ lazyConnect: true });
    const sub = clients.client();
    await sub.ping();
    const sender = node({ pub, sub });
    const receiver = node();
    await up(receiver.link);
    // Replies come in order: once this PING is answered, the link's SUBSCRIBE was too.
    await sub.ping();
    sender.link.publish(broadcast('before connect'));
    expect(pub.status).toBe('wait');

    await pub.connect();
    await receiver.channel.waitFor(1);
    expect(receiver.channel.payloads).toEqual(['before connect']);
    expect(sender.adapter.stats().published).toBe(0); // it had to wait: sent from the replay buffer
  });

  it('can be closed right after it opened', async () => {
    const pair = clients.pair();
    await pair.sub.ping();
    const adapter = new RedisAdapter({ ...pair, prefix: prefix() });
    await adapter.open(new RecordingChannel('/feed')).close();
    expect(await pair.pub.pubsub('NUMSUB', `${prefix()}:/feed`)).toEqual([`${prefix()}:/feed`, 1]);
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
    sender.link.publish(broadcast('boom'));
    sender.link.publish(broadcast('ok'));
    await receiver.channel.waitFor(2);
    expect(receiver.channel.payloads).toEqual(['boom', 'ok']);
    expect(receiver.channel.logged('error')).toHaveLength(1);
  });

  it('ignores messages in other formats on its channel, and channels it does not own on a shared sub client', async () => {
    const pair = clients.pair();
    const seenByUser: string[] = [];
    pair.sub.on(
      'message',
      (name: string, message: string) => name === 'user-channel' && seenByUser.push(message),
    );
    await pair.sub.subscribe('user-channel');
    const receiver = node(pair);
    const sender = node();
    await up(receiver.link);
    await watcher.raw('not a frame');
    await watcher.raw('{"t":"zz","s":"odd","n":1}\n');
    await clients.client().publish('user-channel', 'for the user');
    sender.link.publish(broadcast('real'));
    await receiver.channel.waitFor(1);
    expect(receiver.channel.payloads).toEqual(['real']);
    expect(seenByUser).toEqual(['for the user']);
  });

  it('close() unsubscribes and leaves the user’s clients usable', async () => {
    const pair = clients.pair();
    const { link } = node(pair);
    await up(link);
    await link.close();
    await link.close();

    expect(pair.pub.status).toBe('ready');
    await pair.pub.set(`${prefix()}:k`, 'v');
    // A client still in subscriber mode would refuse GET.
    expect(await pair.sub.get(`${prefix()}:k`)).toBe('v');
    expect(await pair.pub.pubsub('NUMSUB', `${prefix()}:/feed`)).toEqual([`${prefix()}:/feed`, 1]); // the watcher only
  });

  it('keeps listening while another app of the process still uses the same adapter and path', async () => {
    const pair = clients.pair();
    const shared = new RedisAdapter({ ...pair, prefix: prefix() });
    const first = shared.open(new RecordingChannel('/feed'));
    const secondChannel = new RecordingChannel('/feed');
    const second = shared.open(secondChannel);
    links.push(second);
    const sender = node();
    await first.close();
    sender.link.publish(broadcast('still here'));
    await secondChannel.waitFor(1);
    expect(secondChannel.payloads).toEqual(['still here']);
  });
});
