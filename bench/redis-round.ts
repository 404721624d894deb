// The "Redis broadcast" row: two gateway processes sharing a local redis-server; process A
// emits, and deliveries are counted on the clients of both processes.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Child, scriptPath, spawnService } from './children';
import type { Peer } from './peers';
import { checkClean, measureBroadcasts, type Plan, type RoundResult } from './scenarios';

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function startRedis(port: number): Promise<() => void> {
  const redis = spawnService('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const stop = (): void => void redis.kill('SIGKILL');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10000);
    let output = '';
    redis.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited (code ${code})`)));
  }).catch((error) => {
    stop();
    throw error;
  });
  return stop;
}

/**
 * Waits until both processes deliver a probe broadcast. One probe only: the adapter delivers
 * frames emitted before the other process finished subscribing, so a retried probe would
 * arrive late, inside the measured broadcasts.
 */
async function untilBothDeliver(emitter: Child, generator: Child): Promise<void> {
  const expected = await generator.call<number>('armTicks', { perClient: 1 });
  await emitter.call('broadcast', { count: 1 });
  const done = await generator.call<{ ticks: number }>('waitTicks', { timeoutMs: 15000 });
  if (done.ticks !== expected) {
    throw new Error('the second process never received a broadcast through Redis');
  }
}

export async function runRedisRound(peer: Peer, plan: Plan): Promise<RoundResult> {
  const result: RoundResult = { values: {}, verified: 0, errors: [] };
  const port = await freePort();
  const stopRedis = await startRedis(port);
  const options = { cpu: 0, nodeArgs: ['--expose-gc'], env: { BENCH_REDIS_PORT: String(port) } };
  const script = scriptPath('servers', peer.script);
  const servers = [
    new Child(`${peer.label} A`, script, options),
    new Child(`${peer.label} B`, script, options),
  ];
  const generator = new Child('load generator', scriptPath('load-generator'), { cpu: 1 });
  try {
    const ready = await Promise.all(servers.map((server) => server.ready));
    const perServer = Math.floor(plan.broadcast.clients / 2);
    for (const [index, { port: serverPort }] of ready.entries()) {
      const opened = await generator.call<{ mismatches: number; lost: number }>('open', {
        kind: 'ws',
        port: serverPort,
        count: perServer,
        batch: 50,
        append: index > 0,
      });
      checkClean(opened);
    }
    await untilBothDeliver(servers[0], generator);
    const { broadcasts, repeats } = plan.broadcast;
    const measured = await measureBroadcasts(servers[0], generator, broadcasts, repeats);
    result.values.broadcast = measured.rate;
    result.verified += measured.verified;
  } catch (error) {
    result.errors.push(`broadcast: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await Promise.all([...servers, generator].map((child) => child.stop()));
    stopRedis();
  }
  return result;
}
