/**
 * A child process of the cluster tests: one Fastify app serving ClusterGateway with a
 * RedisAdapter, on a plain redis-server (REDIS_PORT) or a Redis Cluster (REDIS_CLUSTER_PORTS).
 * The parent runs cluster operations here over IPC and gets their outcome back.
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import Redis, { Cluster } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { bootstrap, ClusterTimeoutError } from '../../src';
import { RedisAdapter } from '../../src/redis';
import { ClusterGateway, clusterServers } from '../support/cluster-gateway';

export type ClusterCall =
  | { op: 'fetchAll'; room?: string }
  | { op: 'joinAll' | 'leaveAll'; room?: string; target: string }
  | { op: 'disconnectAll'; room?: string; code: number; reason: string }
  | { op: 'serverSideEmit'; event: string; data?: unknown }
  | { op: 'stats' };

export type CallOutcome =
  | { ok: true; value: unknown; ms: number }
  | {
      ok: false;
      name: string;
      message: string;
      missing?: readonly string[];
      answers?: unknown;
      ms: number;
    };

async function main(): Promise<void> {
  const clusterPorts = process.env.REDIS_CLUSTER_PORTS;
  const client = (sharded: boolean): Redis | Cluster =>
    clusterPorts === undefined
      ? new Redis({
          host: '127.0.0.1',
          port: Number(process.env.REDIS_PORT),
          retryStrategy: () => 50,
        })
      : new Cluster(
          clusterPorts.split(',').map((port) => ({ host: '127.0.0.1', port: Number(port) })),
          { shardedSubscribers: sharded },
        );
  const adapter = new RedisAdapter({ pub: client(false), sub: client(true), prefix: 'clu' });
  const app = Fastify();
  await bootstrap(app, [ClusterGateway], {
    adapter,
    clusterTimeoutMs: Number(process.env.CLUSTER_TIMEOUT_MS),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const [server] = clusterServers;
  process.send!({ port: (app.server.address() as AddressInfo).port });

  const run = async (call: ClusterCall): Promise<unknown> => {
    const target =
      call.op !== 'stats' && 'room' in call && call.room ? server.to(call.room) : server;
    switch (call.op) {
      case 'fetchAll':
        return target.fetchAll();
      case 'joinAll':
        return target.joinAll(call.target);
      case 'leaveAll':
        return target.leaveAll(call.target);
      case 'disconnectAll':
        return target.disconnectAll(call.code, call.reason);
      case 'serverSideEmit':
        return server.serverSideEmit(call.event, call.data);
      case 'stats':
        return adapter.clusterStats();
    }
  };
  process.on('message', async ({ id, call }: { id: number; call: ClusterCall }) => {
    const started = performance.now();
    let outcome: CallOutcome;
    try {
      outcome = { ok: true, value: await run(call), ms: performance.now() - started };
    } catch (error) {
      const { name, message } = error as Error;
      outcome = { ok: false, name, message, ms: performance.now() - started };
      if (error instanceof ClusterTimeoutError) {
        outcome = { ...outcome, missing: error.missing, answers: error.answers };
      }
    }
    process.send!({ id, outcome });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
