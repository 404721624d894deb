import type { Redis } from 'ioredis';
import type { Broadcast } from '../../src/gateway/adapter';
import { RedisAdapter } from '../../src/redis';
import { channelKeys } from '../../src/redis/channel-keys';
import type { RedisLink, SessionMark } from '../../src/redis/redis-link';
import { RecordingChannel } from '../support/recording-channel';
import { until } from '../support/waiting';
import { describeRedis, RedisClients, sharedRedisPort } from './redis-clients';

const PATH = '/positions/:room';
const toRoom = (text: string, room = 'a'): Broadcast => ({
  payload: text,
  rooms: [room],
  exceptRooms: [],
  exceptIds: [],
});

// Where a session's broadcasts stand, and what it missed, against a real redis-server.
describeRedis('RedisLink session positions', () => {
  let clients: RedisClients;
  let redis: Redis;
  let prefix: string;
  let count = 0;
  const links: RedisLink[] = [];

  async function start(): Promise<{ adapter: RedisAdapter; link: RedisLink }> {
    const { pub, sub } = clients.pair({ reconnect: true });
    const adapter = new RedisAdapter({ pub, sub, prefix });
    const link = adapter.open(new RecordingChannel(PATH)) as RedisLink;
    links.push(link);
    return { adapter, link };
  }

  async function publish(
    from: { adapter: RedisAdapter; link: RedisLink },
    ...texts: string[]
  ): Promise<void> {
    const before = from.adapter.stats().published;
    for (const text of texts) from.link.publish(toRoom(text));
    await until(() => from.adapter.stats().published === before + texts.length);
  }

  beforeAll(() => {
    clients = new RedisClients(sharedRedisPort());
    redis = clients.client();
  });

  beforeEach(() => {
    prefix = `positions${++count}-${process.pid}`;
  });

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
  });

  afterAll(() => clients.quitAll());

  it('marks where each channel stands, and reads back what came after, skipping the holder’s own emits', async () => {
    const holder = await start();
    const other = await start();
    holder.link.roomAdded('a');
    await holder.adapter.settled();
    const quiet = holder.link.mark(['a', 'nowhere']);
    expect(quiet.o).toEqual({ '': '- 0', a: '- 0', nowhere: null });

    await publish(other, 'o-1');
    await until(() => holder.link.mark(['a']).o.a !== '- 0');
    // Marked as its own emit goes out: delivered locally, not yet at its offset.
    holder.link.publish(toRoom('h-1'));
    const mark = holder.link.mark(['a']);
    await until(() => holder.adapter.stats().published === 1);
    await publish(holder, 'h-2');
    await publish(other, 'o-2', 'o-3');

    const adopter = await start();
    adopter.link.roomAdded('a'); // the session joins here: its reader starts
    const missed = adopter.link.missed(mark, ['a']);
    expect((await missed).map((b) => b.payload)).toEqual(['h-2', 'o-2', 'o-3']);
    expect(await adopter.link.complete(mark, ['a'])).toBe(true);
    // A quiet channel, still without a counter: nothing missed there.
    expect(await adopter.link.complete(quiet, [])).toBe(true);
    // Everything after the mark already delivered here: nothing to read.
    await adopter.adapter.settled();
    expect(await adopter.link.missed(adopter.link.mark(['a']), ['a'])).toEqual([]);
    expect(await adopter.link.complete(adopter.link.mark(['a']), ['a'])).toBe(true);
  });

  it('reads long gaps page by page', async () => {
    const holder = await start();
    holder.link.roomAdded('a');
    await holder.adapter.settled();
    const mark = holder.link.mark(['a']);
    const other = await start();
    const texts = Array.from({ length: 620 }, (_, i) => `f-${i}`);
    await publish(other, ...texts);
    const adopter = await start();
    adopter.link.roomAdded('a');
    await adopter.adapter.settled();
    // Its reader is live past them: its own position bounds the read.
    expect((await adopter.link.missed(mark, ['a'])).map((b) => b.payload)).toEqual(texts);
  });

  it('refuses (never a partial list) when a position is unknown, the epoch changed or the history is gone', async () => {
    const holder = await start();
    holder.link.roomAdded('a');
    await holder.adapter.settled();
    const other = await start();
    await publish(other, 'o-1');
    await until(() => holder.link.mark(['a']).o.a !== '- 0');
    const mark = holder.link.mark(['a']);
    await publish(other, 'o-2');
    const adopter = await start();
    adopter.link.roomAdded('a');
    await adopter.adapter.settled();
    const keys = channelKeys(prefix, PATH, 'a');

    const unknown: SessionMark = { ...mark, o: { ...mark.o, a: null } };
    await expect(adopter.link.missed(unknown, ['a'])).rejects.toThrow('position unknown');
    expect(await adopter.link.complete(unknown, ['a'])).toBe(false);
    const garbled: SessionMark = { ...mark, o: { ...mark.o, a: 'e x' } };
    expect(await adopter.link.complete(garbled, ['a'])).toBe(false);
    const otherEpoch: SessionMark = { ...mark, o: { ...mark.o, a: 'elsewhere 1' } };
    await expect(adopter.link.missed(otherEpoch, ['a'])).rejects.toThrow('new epoch');
    expect(await adopter.link.complete(otherEpoch, ['a'])).toBe(false);

    // An entry at the right offset that is not a frame of this epoch (another writer).
    const offset = Number(mark.o.a!.split(' ')[1]) + 1;
    await redis.del(keys.history);
    await redis.xadd(keys.history, `${offset}-0`, 'm', 'not a frame');
    await expect(adopter.link.missed(mark, ['a'])).rejects.toThrow('history gone');
    await redis.del(keys.history);
    await expect(adopter.link.missed(mark, ['a'])).rejects.toThrow('history gone');
    expect(await adopter.link.complete(mark, ['a'])).toBe(false);
    // A history that starts later than the gap: trimmed.
    await publish(other, 'o-3');
    await expect(adopter.link.missed(mark, ['a'])).rejects.toThrow('history gone');
    expect(await adopter.link.complete(mark, ['a'])).toBe(false);
    // The counter itself is gone (expired, Redis restarted).
    await redis.del(keys.meta, keys.history);
    expect(await adopter.link.complete(mark, ['a'])).toBe(false);
  });

  it('does not wait for a process it has not heard from lately when asking for a session', async () => {
    const { adapter } = await start();
    const channel = new RecordingChannel(PATH);
    const route = adapter.openCluster({ ...channel, timeoutMs: 60_000, answer: async () => null });
    expect(await route.ask!('gone', { op: 'handover', token: 't', seq: 0 })).toEqual({
      answers: [],
      missing: ['gone'],
    });
    await route.close();
  });

  it('answers "incomplete" when Redis cannot be asked, and nothing is known of a closed reader', async () => {
    const holder = await start();
    holder.link.roomAdded('a');
    await holder.adapter.settled();
    const sessions = holder.link.openSessions({ node: 'n', maxDisconnectionMs: 1000 });
    const mark = sessions.mark(['a']) as SessionMark;
    holder.link.roomAdded('b');
    const missed = holder.link.missed({ ...mark, o: { ...mark.o, b: '- 0' } }, ['b']);
    holder.link.roomRemoved('b'); // closed before its head was known
    await expect(missed).rejects.toThrow('position unknown');
    holder.link.onPubReady(); // Redis back: kept sessions are written again (none here)
    const { pub } = (holder.link as unknown as { context: { pub: Redis } }).context;
    pub.disconnect();
    expect(await sessions.complete(mark, ['a'])).toBe(false);
  });
});
