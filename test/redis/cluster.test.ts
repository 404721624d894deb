import { Cluster } from 'ioredis';
import { RedisAdapter } from '../../src/redis';
import type { AdapterLink } from '../../src/gateway/adapter';
import { broadcast, RecordingChannel } from '../support/recording-channel';
import { RedisCluster } from '../support/redis-cluster';
import { describeRedis } from './redis-clients';

// A real 3-master Redis Cluster on free ports, started for this file and killed by pid.
describeRedis('RedisAdapter on a Redis Cluster (sharded pub/sub)', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const links: AdapterLink[] = [];

  function client(sharded: boolean): Cluster {
    const made = new Cluster(cluster.startupNodes, { shardedSubscribers: sharded });
    made.on('error', () => undefined);
    clients.push(made);
    return made;
  }

  function node(): { adapter: RedisAdapter; channel: RecordingChannel; link: AdapterLink } {
    const adapter = new RedisAdapter({ pub: client(false), sub: client(true), prefix: 'cl' });
    const channel = new RecordingChannel('/rooms/:room');
    const link = adapter.open(channel);
    links.push(link);
    return { adapter, channel, link };
  }

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 30000);

  afterAll(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    for (const made of clients) made.disconnect();
    await cluster.stop();
  }, 30000);

  it('delivers room broadcasts through SPUBLISH/SSUBSCRIBE, with the rooms spread over the shards', async () => {
    const sender = node();
    const receiver = node();
    const rooms = Array.from({ length: 24 }, (_, i) => `room-${i}`);
    for (const room of rooms) receiver.link.roomAdded!(room);
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);

    for (const room of rooms) sender.link.publish(broadcast(`to ${room}`, [room]));
    sender.link.publish(broadcast('to everyone'));
    sender.link.publish(broadcast('nobody listens here', ['unheard']));
    await receiver.channel.waitFor(rooms.length + 1, 10000);
    expect(receiver.channel.payloads.sort()).toEqual(
      [...rooms.map((room) => `to ${room}`), 'to everyone'].sort(),
    );

    // Each master serves the shard channels of its own slots: the rooms landed on every one.
    const admin = client(false);
    await admin.ping();
    const perShard = await Promise.all(
      admin.nodes('master').map(async (master) => {
        const channels = (await master.call('PUBSUB', 'SHARDCHANNELS', '{cl:*')) as string[];
        return channels.length;
      }),
    );
    expect(perShard).toHaveLength(3);
    for (const count of perShard) expect(count).toBeGreaterThan(0);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(rooms.length + 1);
    expect(receiver.adapter.stats()).toMatchObject({ received: rooms.length + 1, dropped: 0 });
  }, 30000);

  it('catches up from a shard’s history after leaving and rejoining a room', async () => {
    const sender = node();
    const receiver = node();
    receiver.link.roomAdded!('kitchen');
    await Promise.all([sender.adapter.settled(), receiver.adapter.settled()]);
    for (let i = 0; i < 50; i++) sender.link.publish(broadcast(`k${i}`, ['kitchen']));
    await receiver.channel.waitFor(50, 10000);
    expect(receiver.channel.payloads).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`));

    receiver.link.roomRemoved!('kitchen');
    sender.link.publish(broadcast('while away', ['kitchen']));
    receiver.link.roomAdded!('kitchen');
    await receiver.adapter.settled();
    sender.link.publish(broadcast('back', ['kitchen']));
    await receiver.channel.waitFor((received) => received.some((b) => b.payload === 'back'));
    // Rejoining starts at the room's head: what was emitted while no member was here is not owed.
    expect(receiver.channel.payloads.slice(50).filter((p) => p !== 'while away')).toEqual(['back']);
  }, 30000);
});
