import Fastify, { type FastifyInstance } from 'fastify';
import { bootstrap } from '../../src';
import type { AdapterLink, GatewayAdapter } from '../../src/gateway/adapter';
import { connectGateway, type GatewayTestClient } from '../../src/testing';
import { MemoryAdapter } from '../../src/gateway/memory-adapter';
import { RedisAdapter } from '../../src/redis';
import { hasRedisServer } from '../support/system';
import { RedisClients, sharedRedisPort } from '../redis/redis-clients';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { LobbyGateway, RoomGateway } from '../support/room-gateway';

/** One adapter implementation under test: `process()` gives the adapter one process would use. */
interface AdapterUnderTest {
  readonly name: string;
  readonly available: boolean;
  setup(): void;
  process(): GatewayAdapter;
  /** Resolves once every process listens to what it announced (Redis subscribes asynchronously). */
  settled(): Promise<void>;
  teardown(): Promise<void>;
}

const memory = (): AdapterUnderTest => {
  let shared: MemoryAdapter;
  return {
    name: 'MemoryAdapter (one instance shared by two apps of one process)',
    available: true,
    setup: () => (shared = new MemoryAdapter()),
    process: () => shared,
    settled: async () => undefined,
    teardown: async () => undefined,
  };
};

const redis = (): AdapterUnderTest => {
  let clients: RedisClients;
  let prefix = 0;
  const adapters: RedisAdapter[] = [];
  return {
    name: 'RedisAdapter (one instance and client pair per process, real redis-server)',
    available: hasRedisServer(),
    setup: () => {
      clients = new RedisClients(sharedRedisPort());
      prefix++;
    },
    // A fresh prefix per test keeps tests from hearing each other on the shared server.
    process: () => {
      const adapter = new RedisAdapter({
        ...clients.pair(),
        prefix: `contract-${process.pid}-${prefix}`,
      });
      adapters.push(adapter);
      return adapter;
    },
    settled: async () => {
      await Promise.all(adapters.map((adapter) => adapter.settled()));
    },
    teardown: () => {
      adapters.length = 0;
      return clients.quitAll();
    },
  };
};

describe.each([memory(), redis()])('adapter contract: $name', (subject) => {
  const maybe = subject.available ? it : it.skip;
  const links: AdapterLink[] = [];

  function open(
    adapter: GatewayAdapter,
    path = '/rooms/:room',
  ): { channel: RecordingChannel; link: AdapterLink } {
    const channel = new RecordingChannel(path);
    const link = adapter.open(channel);
    links.push(link);
    return { channel, link };
  }

  /** Opens the room gateway's path on `count` processes; resolves once each listens. */
  async function processes(count: number): Promise<ReturnType<typeof open>[]> {
    const opened = Array.from({ length: count }, () => open(subject.process()));
    await subject.settled();
    return opened;
  }

  beforeEach(() => subject.setup());

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await subject.teardown();
  });

  maybe(
    'delivers a broadcast to everyone to every other process once, with its payload and exceptions intact',
    async () => {
      const [a, b, c] = await processes(3);
      a.link.publish(broadcast('{"event":"said","data":1}', [], ['muted'], ['conn-9']));
      a.link.publish(broadcast(Buffer.from([0, 1, 2, 255])));
      await Promise.all([b.channel.waitFor(2), c.channel.waitFor(2)]);

      for (const peer of [b.channel, c.channel]) {
        expect(peer.received[0]).toEqual(
          broadcast('{"event":"said","data":1}', [], ['muted'], ['conn-9']),
        );
        expect(Buffer.isBuffer(peer.received[1].payload)).toBe(true);
        expect([...(peer.received[1].payload as Buffer)]).toEqual([0, 1, 2, 255]);
      }
      // A later frame from another sender arrives after anything a duplicate could have been.
      b.link.publish(broadcast('barrier'));
      await Promise.all([a.channel.waitFor(1), c.channel.waitFor(3)]);
      expect(b.channel.received).toHaveLength(2);
      expect(c.channel.received).toHaveLength(3);
    },
  );

  maybe(
    'delivers a room broadcast to the processes with members there, selecting each member once even in several of the rooms',
    async () => {
      const a = open(subject.process());
      const b = open(subject.process());
      b.link.roomAdded?.('r1');
      b.link.roomAdded?.('r2');
      b.link.roomAdded?.('muted');
      await subject.settled();
      a.link.publish(broadcast('to both', ['r1', 'r2', 'r1'], ['muted'], ['c5']));
      a.link.publish(broadcast('barrier'));
      await b.channel.waitFor((received) => received.some((x) => x.payload === 'barrier'));

      const members = {
        c1: ['r1'],
        c2: ['r2'],
        c3: ['r1', 'r2'],
        c4: ['r2', 'muted'],
        c5: ['r1'],
        c6: ['elsewhere'],
      };
      const toBoth = new RecordingChannel('/check');
      for (const copy of b.channel.received) if (copy.payload === 'to both') toBoth.deliver(copy);
      expect(toBoth.recipients(members)).toEqual(['c1', 'c2', 'c3']);
    },
  );

  maybe('never delivers a process its own broadcasts (it delivered them locally)', async () => {
    const [a, b] = await processes(2);
    a.link.publish(broadcast('mine'));
    await b.channel.waitFor(1);
    b.link.publish(broadcast('theirs'));
    await a.channel.waitFor(1);

    expect(a.channel.payloads).toEqual(['theirs']);
    expect(b.channel.payloads).toEqual(['mine']);
  });

  maybe('keeps each sender’s emit order, with interleaved senders', async () => {
    const [a, b, c] = await processes(3);
    for (let i = 0; i < 300; i++) {
      a.link.publish(broadcast(`a${i}`));
      b.link.publish(broadcast(`b${i}`));
    }
    await c.channel.waitFor(600);

    const from = (sender: string) => c.channel.payloads.filter((p) => p.startsWith(sender));
    expect(from('a')).toEqual(Array.from({ length: 300 }, (_, i) => `a${i}`));
    expect(from('b')).toEqual(Array.from({ length: 300 }, (_, i) => `b${i}`));
  });

  maybe('keeps two gateway paths apart', async () => {
    const first = subject.process();
    const second = subject.process();
    const chatA = open(first, '/chat');
    const newsA = open(first, '/news');
    const chatB = open(second, '/chat');
    const newsB = open(second, '/news');
    await subject.settled();
    chatA.link.publish(broadcast('chat-1'));
    newsA.link.publish(broadcast('news-1'));
    chatB.link.publish(broadcast('chat-2'));
    await Promise.all([
      chatB.channel.waitFor(1),
      newsB.channel.waitFor(1),
      chatA.channel.waitFor(1),
    ]);
    newsB.link.publish(broadcast('news-2'));
    await newsA.channel.waitFor(1);

    expect(chatA.channel.payloads).toEqual(['chat-2']);
    expect(chatB.channel.payloads).toEqual(['chat-1']);
    expect(newsA.channel.payloads).toEqual(['news-2']);
    expect(newsB.channel.payloads).toEqual(['news-1']);
  });

  maybe('stops delivering to a process once its link is closed, and the others go on', async () => {
    const [a, b, c] = await processes(3);
    await b.link.close();
    a.link.publish(broadcast('after-close'));
    await c.channel.waitFor(1);
    c.link.publish(broadcast('to-a'));
    await a.channel.waitFor(1);

    expect(b.channel.received).toHaveLength(0);
    expect(c.channel.payloads).toEqual(['after-close']);
  });

  describe('through bootstrap(): two apps standing for two processes', () => {
    const apps: FastifyInstance[] = [];
    const sockets: GatewayTestClient[] = [];

    async function app(): Promise<FastifyInstance> {
      const instance = Fastify();
      await bootstrap(instance, [RoomGateway, LobbyGateway], { adapter: subject.process() });
      apps.push(instance);
      return instance;
    }

    async function connect(instance: FastifyInstance, path: string): Promise<GatewayTestClient> {
      const client = await connectGateway(instance, path);
      sockets.push(client);
      // Its room is listened to across processes once the adapter settled.
      await subject.settled();
      return client;
    }

    /** Two apps, each with a connection in room a and one in room b: [oneA, oneB, twoA, twoB]. */
    async function inRoomsAAndB(): Promise<GatewayTestClient[]> {
      const [one, two] = [await app(), await app()];
      return [
        await connect(one, '/rooms/a'),
        await connect(one, '/rooms/b'),
        await connect(two, '/rooms/a'),
        await connect(two, '/rooms/b'),
      ];
    }

    /** The texts of the next `count` `heard` frames of `client`. */
    async function heard(client: GatewayTestClient, count: number): Promise<string[]> {
      const texts: string[] = [];
      for (let i = 0; i < count; i++)
        texts.push(((await client.next('heard')) as { text: string }).text);
      return texts;
    }

    afterEach(async () => {
      await Promise.all(sockets.splice(0).map((client) => client.close()));
      await Promise.all(apps.splice(0).map((instance) => instance.close()));
    });

    maybe(
      'delivers to(room) exactly once to the room’s connections in every process, and to no one else',
      async () => {
        const [oneA, oneB, twoA, twoB] = await inRoomsAAndB();
        await oneA.request('to-room', { room: 'a', text: 'for a' });
        // Every frame after this one from the same sender: what came before it arrived first.
        await oneA.request('all', { text: 'barrier' });

        expect(await heard(oneA, 2)).toEqual(['for a', 'barrier']);
        expect(await heard(twoA, 2)).toEqual(['for a', 'barrier']);
        expect(await heard(oneB, 1)).toEqual(['barrier']);
        expect(await heard(twoB, 1)).toEqual(['barrier']);
        await oneA.request('all', { text: 'last' });
        expect(await heard(twoA, 1)).toEqual(['last']); // no duplicate of 'for a' or 'barrier' in between
      },
    );

    maybe('applies except(connection) and except(room) in every process', async () => {
      const [oneA, oneB, twoA, twoB] = await inRoomsAAndB();
      await oneA.request('except-me', { text: 'not to me' });
      await twoB.request('except-room', { room: 'a', text: 'not to a' });
      await oneA.request('all', { text: 'barrier-1' });
      await twoB.request('all', { text: 'barrier-2' });

      // Frames of one sender keep their order; a wrong delivery would come before that sender's barrier.
      expect(await heard(oneA, 2)).toEqual(['barrier-1', 'barrier-2']);
      expect((await heard(twoA, 3)).sort()).toEqual(['barrier-1', 'barrier-2', 'not to me']);
      const everyone = ['barrier-1', 'barrier-2', 'not to a', 'not to me'];
      expect((await heard(oneB, 4)).sort()).toEqual(everyone);
      expect((await heard(twoB, 4)).sort()).toEqual(everyone);
    });

    maybe('keeps two gateways apart across processes', async () => {
      const [one, two] = [await app(), await app()];
      const roomTwo = await connect(two, '/rooms/a');
      const lobbyOne = await connect(one, '/lobby');
      const lobbyTwo = await connect(two, '/lobby');
      const roomOne = await connect(one, '/rooms/a');
      await lobbyOne.request('all', { text: 'lobby news' });
      await roomOne.request('all', { text: 'room news' });

      expect(await heard(lobbyTwo, 1)).toEqual(['lobby news']);
      expect(await heard(roomTwo, 1)).toEqual(['room news']);
      await lobbyOne.request('all', { text: 'lobby again' });
      expect(await heard(lobbyTwo, 1)).toEqual(['lobby again']); // 'room news' never reached the lobby
    });
  });
});
