// The "Redis broadcast" row: two gateway processes sharing a local redis-server; process A
// emits, and deliveries are counted on the clients of both processes.
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { RedisAdapter } from 'fastify-ws-gateway/redis';
import { Child, scriptPath, spawnService } from './children';
import type { Peer } from './peers';
import { checkClean, measureBroadcasts, type Plan, type RoundResult } from './scenarios';

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Starts a throwaway redis-server on `port`; resolves with what stops it. */
export async function startRedis(port: number): Promise<() => void> {
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

// ---------------------------------------------------------------------------------------------
// Per-room routing rows: adapter-level processes (no sockets), so the figures are the adapter's.
// Run alone: `npm run build:samples && node dist-samples/bench/redis-round.js --routing`.

/** IPC of a routing node: one RedisAdapter link on its own ioredis clients. */
type RoutingCommand =
  | { cmd: 'join'; rooms: string[] }
  | { cmd: 'emit'; rooms: string[]; count: number; bytes: number }
  | { cmd: 'wait'; count: number }
  | { cmd: 'cpu' }
  | { cmd: 'settled' };

async function routingNode(): Promise<void> {
  const port = Number(process.env.BENCH_REDIS_PORT);
  const adapter = new RedisAdapter({
    pub: new Redis({ host: '127.0.0.1', port }),
    sub: new Redis({ host: '127.0.0.1', port }),
    prefix: 'route',
    replayBuffer: { maxFrames: 200000 },
  });
  let delivered = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const link = adapter.open({
    path: '/rooms/:room',
    log: silent as never,
    deliver: () => {
      delivered++;
      if (waiter !== undefined && delivered >= waiter.count) waiter.resolve();
    },
  });
  process.on('message', async (message: RoutingCommand & { id: number }) => {
    let answer: unknown = null;
    if (message.cmd === 'join') for (const room of message.rooms) link.roomAdded!(room);
    if (message.cmd === 'settled') await adapter.settled();
    if (message.cmd === 'emit') {
      const payload = JSON.stringify({ event: 'e', data: 'x'.repeat(message.bytes) });
      for (let i = 0; i < message.count; i++) {
        for (const room of message.rooms) {
          link.publish({ payload, rooms: [room], exceptRooms: [], exceptIds: [] });
        }
      }
    }
    if (message.cmd === 'wait') {
      await new Promise<void>((resolve) => {
        waiter = { count: message.count, resolve };
        if (delivered >= message.count) resolve();
      });
      answer = delivered;
    }
    if (message.cmd === 'cpu') {
      const { user, system } = process.cpuUsage();
      answer = { cpuMs: (user + system) / 1000, delivered, stats: adapter.stats() };
    }
    process.send!({ id: message.id, answer });
  });
  process.send!({ id: 0, answer: 'ready' });
}

class RoutingChild {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: any) => void>();
  readonly ready: Promise<void>;

  constructor(private readonly child: ReturnType<typeof fork>) {
    this.ready = new Promise((resolve) => this.waiting.set(0, () => resolve()));
    child.on('message', ({ id, answer }: { id: number; answer: unknown }) => {
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
  }

  call<T>(command: RoutingCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...command, id });
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

export interface RoutingRows {
  /** Broadcasts emitted in one process and delivered by the adapter of another, per second. */
  deliveriesPerSecond: number;
  /** CPU ms a process spent per 1000 broadcasts to rooms where it has no member (≈ 0). */
  idleCpuMsPer1000: number;
  /** The same with a member in the room, for scale. */
  memberCpuMsPer1000: number;
  /** Redis output bytes for room broadcasts ÷ bytes of one copy, each room on one of 4 processes. */
  fanOutFactor: number;
}

async function redisOutputBytes(port: number): Promise<number> {
  const admin = new Redis({ host: '127.0.0.1', port });
  const info = await admin.info('stats');
  admin.disconnect();
  return Number(/total_net_output_bytes:(\d+)/.exec(info)![1]);
}

export async function runRoutingRound(): Promise<RoutingRows> {
  const port = await freePort();
  const stopRedis = await startRedis(port);
  const env = { ...process.env, BENCH_REDIS_PORT: String(port), FWG_ROUTING_NODE: '1' };
  const children = Array.from(
    { length: 4 },
    () => new RoutingChild(fork(__filename, [], { env, stdio: 'inherit' })),
  );
  try {
    await Promise.all(children.map((child) => child.ready));
    const [sender, member, idle, other] = children;
    await Promise.all(children.map((child, i) => child.call({ cmd: 'join', rooms: [`r${i}`] })));
    await Promise.all(children.map((child) => child.call({ cmd: 'settled' })));

    // Throughput: 20,000 broadcasts from one process to a room whose members are on another.
    const COUNT = 20000;
    const started = process.hrtime.bigint();
    const arrived = member.call<number>({ cmd: 'wait', count: COUNT });
    const idleBefore = await idle.call<{ cpuMs: number }>({ cmd: 'cpu' });
    const memberBefore = await member.call<{ cpuMs: number }>({ cmd: 'cpu' });
    await sender.call({ cmd: 'emit', rooms: ['r1'], count: COUNT, bytes: 100 });
    await arrived;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const idleAfter = await idle.call<{ cpuMs: number; delivered: number }>({ cmd: 'cpu' });
    const memberAfter = await member.call<{ cpuMs: number }>({ cmd: 'cpu' });
    if (idleAfter.delivered !== 0) throw new Error('a process without members got broadcasts');

    // Fan-out: 2,000 broadcasts of ~1 KB to each of the 4 rooms, each room on one process.
    const FAN = 2000;
    const copy = `x ${FAN}\n`.length + 1100; // ≈ one channel message: offset line, header, payload
    const before = await redisOutputBytes(port);
    const all = Promise.all(
      [other, member, idle].map((child, i) =>
        child.call({ cmd: 'wait', count: [FAN, COUNT + FAN, FAN][i] }),
      ),
    );
    await sender.call({ cmd: 'emit', rooms: ['r0', 'r1', 'r2', 'r3'], count: FAN, bytes: 1000 });
    await all;
    const after = await redisOutputBytes(port);
    return {
      deliveriesPerSecond: Math.round(COUNT / seconds),
      idleCpuMsPer1000: ((idleAfter.cpuMs - idleBefore.cpuMs) * 1000) / COUNT,
      memberCpuMsPer1000: ((memberAfter.cpuMs - memberBefore.cpuMs) * 1000) / COUNT,
      fanOutFactor: (after - before) / (4 * FAN * copy),
    };
  } finally {
    for (const child of children) child.stop();
    stopRedis();
  }
}

if (process.env.FWG_ROUTING_NODE === '1') {
  routingNode().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (require.main === module && process.argv.includes('--routing')) {
  runRoutingRound().then(
    (rows) => console.log(JSON.stringify(rows, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
