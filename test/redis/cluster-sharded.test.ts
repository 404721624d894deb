import Fastify, { type FastifyInstance } from 'fastify';
import { Cluster } from 'ioredis';
import { bootstrap, type GatewayServer } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { ClusterGateway, clusterServers } from '../support/cluster-gateway';
import { RedisCluster } from '../support/redis-cluster';
import { describeRedis } from './redis-clients';

// In this process, so the sharded path of the cluster bus is measured; the same across real
// processes is in cluster-processes.test.ts.
describeRedis(
  'cluster bus on a real Redis Cluster (SPUBLISH/SSUBSCRIBE), apps in this process',
  () => {
    let cluster: RedisCluster;
    const clients: Cluster[] = [];
    const apps: FastifyInstance[] = [];

    function client(sharded: boolean): Cluster {
      const made = new Cluster(cluster.startupNodes, { shardedSubscribers: sharded });
      made.on('error', () => undefined);
      clients.push(made);
      return made;
    }

    async function start(): Promise<GatewayServer> {
      const app = Fastify();
      apps.push(app);
      const adapter = new RedisAdapter({ pub: client(false), sub: client(true), prefix: 'sh' });
      await bootstrap(app, [ClusterGateway], { adapter, clusterTimeoutMs: 1000 });
      await app.ready();
      return clusterServers[clusterServers.length - 1];
    }

    beforeAll(async () => {
      cluster = await RedisCluster.start(3);
    }, 30000);

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      for (const made of clients) made.disconnect();
      await cluster.stop();
    }, 30000);

    it('answers across apps over shard channels', async () => {
      const one = await start();
      const two = await start();
      const deadline = Date.now() + 20000;
      let answers = await one.serverSideEmit('echo', { n: 1 });
      while (answers.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answers = await one.serverSideEmit('echo', { n: 1 });
      }
      expect(answers).toEqual([{ node: expect.any(String), ok: true, value: { n: 1 } }]);
      expect((await two.serverSideEmit('boom')).map((a) => a.ok)).toEqual([false]);

      const admin = client(false);
      await admin.ping();
      const shardChannels = await Promise.all(
        admin
          .nodes('master')
          .map(
            (master) =>
              master.call('PUBSUB', 'SHARDCHANNELS', '{sh:cluster:*') as Promise<string[]>,
          ),
      );
      expect(shardChannels.flat()).toEqual(['{sh:cluster:/c/:room}']);
    }, 30000);
  },
);
