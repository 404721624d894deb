// One round on one server: a fresh server process and a fresh load generator, each metric
// measured in turn. Any id or payload mismatch makes that metric an error, not a number.
import { Child, scriptPath, type SpawnOptions } from './children';
import type { MetricKey, Peer, StepName } from './peers';
import type { CpuSample, EchoCounts } from './protocol';
import { median } from './stats';

export interface Plan {
  echo: { connections: number; inFlight: number; warmupMs: number; measureMs: number };
  heap: { connections: number };
  connect: { connections: number; batch: number };
  broadcast: { clients: number; broadcasts: number; repeats: number };
  /** Open loop: each connection sends one request every `minMs`–`maxMs`, replies or not; one
   * window per server in each of `windows` cycles (see bench/latency-phase.ts). */
  latency: {
    connections: number;
    minMs: number;
    maxMs: number;
    warmupMs: number;
    measureMs: number;
    windows: number;
  };
  /** Session resume (`ws-resume` peers): a client drops, the server emits `frames` to it, the
   * client resumes; timed `repeats` times. */
  replay: { frames: number; repeats: number };
}

/** Requests per second the latency phase offers. */
export function offeredRate(plan: Plan): number {
  const { connections, minMs, maxMs } = plan.latency;
  return connections / ((minMs + maxMs) / 2 / 1000);
}

export interface RoundResult {
  values: Partial<Record<MetricKey, number>>;
  /** Load generator CPU use during the echo window (1 = a whole core): a saturated
   * generator caps every server's echo number alike. */
  generatorLoad?: number;
  /** Replies and broadcasts checked in this round. */
  verified: number;
  /** Why a figure was not recorded although nothing failed: the generator or the machine,
   * not the server, set it (e.g. a saturated load generator in the latency phase). */
  flags?: string[];
  /** Wall time of each step, for tuning the plans. */
  seconds?: Record<string, number>;
  errors: string[];
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function cpuUs(sample: CpuSample): number {
  return sample.userUs + sample.systemUs;
}

export function checkClean(counts: { mismatches: number; lost?: number }): void {
  if (counts.mismatches > 0 || (counts.lost ?? 0) > 0) {
    throw new Error(`${counts.mismatches} mismatched and ${counts.lost ?? 0} lost replies`);
  }
}

type Step = (server: Child, generator: Child, target: Record<string, unknown>) => Promise<void>;

/** Times `repeats` bursts of `broadcasts` emits from `server` to every generator client;
 * returns the median deliveries per second, the server's CPU per delivery (µs, median) and
 * the number of deliveries checked. */
export async function measureBroadcasts(
  server: Child,
  generator: Child,
  broadcasts: number,
  repeats: number,
): Promise<{ rate: number; cpu: number; verified: number }> {
  const rates: number[] = [];
  const costs: number[] = [];
  let verified = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const expected = await generator.call<number>('armTicks', { perClient: broadcasts });
    const cpuBefore = await server.call<CpuSample>('cpu');
    const startNs = Number(process.hrtime.bigint());
    const sent = server.call('broadcast', { count: broadcasts });
    const done = await generator.call<{ lastAtNs: number; ticks: number; mismatches: number }>(
      'waitTicks',
      { timeoutMs: 30000 },
    );
    await sent;
    const cpuAfter = await server.call<CpuSample>('cpu');
    if (done.ticks !== expected) {
      throw new Error(`${done.ticks} of ${expected} deliveries arrived`);
    }
    checkClean(done);
    verified += done.ticks;
    rates.push(expected / ((done.lastAtNs - startNs) / 1e9));
    costs.push((cpuUs(cpuAfter) - cpuUs(cpuBefore)) / expected);
  }
  return { rate: median(rates), cpu: median(costs), verified };
}

/** Runs every step of `peer` on a fresh server (given `env` on top of its own) and generator. */
export async function runRound(
  peer: Peer,
  plan: Plan,
  env: Record<string, string> = {},
): Promise<RoundResult> {
  const result: RoundResult = { values: {}, verified: 0, errors: [] };
  const options = serverOptions(peer);
  const server = new Child(peer.label, peer.scriptFile ?? scriptPath('servers', peer.script), {
    ...options,
    env: { ...options.env, ...env },
  });
  const generator = new Child('load generator', scriptPath('load-generator'), { cpu: 1 });

  const heap: Step = async (srv, gen, target) => {
    const before = await srv.call<number>('memory');
    const opened = await gen.call<EchoCounts & { lost: number; open: number }>('open', {
      ...target,
      count: plan.heap.connections,
      batch: 100,
    });
    checkClean(opened);
    result.verified += opened.replies;
    const after = await srv.call<number>('memory');
    result.values.heap = (after - before) / plan.heap.connections;
    await gen.call('closeAll');
  };

  const connect: Step = async (_srv, gen, target) => {
    const { connections, batch } = plan.connect;
    const run = await gen.call<{ elapsedNs: number; mismatches: number }>(
      'connectClose',
      { ...target, count: connections, batch },
      120000,
    );
    checkClean(run);
    result.values.connect = run.elapsedNs / 1000 / connections;
  };

  const echo: Step = async (srv, gen, target) => {
    const { connections, inFlight, warmupMs, measureMs } = plan.echo;
    await gen.call('echoStart', { ...target, connections, inFlight });
    await delay(warmupMs);
    const cpuBefore = await srv.call<CpuSample>('cpu');
    const start = await gen.call<EchoCounts>('echoMark');
    await delay(measureMs);
    const end = await gen.call<EchoCounts>('echoMark');
    const cpuAfter = await srv.call<CpuSample>('cpu');
    // A resuming client must still be able to resume after the run: it acknowledged in time.
    const totals = await gen.call<EchoCounts & { lost: number }>('echoStop', {
      resumeCheck: peer.client === 'ws-resume',
    });
    checkClean(totals);
    result.verified += totals.replies;
    const replies = end.replies - start.replies;
    const seconds = (end.atNs - start.atNs) / 1e9;
    if (replies === 0) throw new Error('no replies in the measured window');
    result.values.echo = replies / seconds;
    result.values.cpu = (cpuUs(cpuAfter) - cpuUs(cpuBefore)) / replies;
    result.generatorLoad = (end.cpuUs - start.cpuUs) / 1e6 / seconds;
  };

  const broadcast: Step = async (srv, gen, target) => {
    const { clients, broadcasts, repeats } = plan.broadcast;
    const opened = await gen.call<EchoCounts & { lost: number }>('open', {
      ...target,
      count: clients,
      batch: 50,
    });
    checkClean(opened);
    const measured = await measureBroadcasts(srv, gen, broadcasts, repeats);
    result.verified += measured.verified;
    result.values.broadcast = measured.rate;
    result.values.broadcastCpu = measured.cpu;
    await gen.call('closeAll');
  };

  const replay: Step = async (srv, gen, target) => {
    const { frames, repeats } = plan.replay;
    const times: number[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      // Two clients: the first drops, the second (a witness) shows when every frame was
      // delivered on the server, the dropped session included (with Redis, after a round trip).
      // No probe echo: no frame precedes the drop, so all `frames` fit in the session's
      // buffer (maxFrames) however the client's `$ack` cadence falls.
      await gen.call('open', { ...target, count: 2, batch: 2, probe: false });
      await gen.call('drop', { count: 1 });
      const witnessed = await gen.call<number>('armTicks', { perClient: frames, clients: 1 });
      await srv.call('broadcast', { count: frames });
      const seen = await gen.call<{ ticks: number }>('waitTicks', { timeoutMs: 30000 });
      if (seen.ticks !== witnessed) throw new Error(`${seen.ticks} of ${frames} frames delivered`);
      result.verified += seen.ticks;
      const expected = await gen.call<number>('armTicks', { perClient: frames, clients: 1 });
      const resumed = await gen.call<{ openedAtNs: number[]; refused: number }>('resumeAll');
      if (resumed.refused > 0) throw new Error('the server refused the resume');
      const done = await gen.call<{ lastAtNs: number; ticks: number; mismatches: number }>(
        'waitTicks',
        { timeoutMs: 30000 },
      );
      if (done.ticks !== expected) throw new Error(`${done.ticks} of ${expected} frames replayed`);
      checkClean(done);
      result.verified += done.ticks;
      times.push((done.lastAtNs - resumed.openedAtNs[0]) / 1e6);
      await gen.call('closeAll');
    }
    result.values.replay = median(times);
  };

  const steps: [StepName, Step][] = [
    ['heap', heap],
    ['connect', connect],
    ['echo', echo],
    ['broadcast', broadcast],
    ['replay', replay],
  ];
  try {
    const { port } = await server.ready;
    const target = { kind: peer.client, port };
    // Heap first, on a fresh process; echo warms the JIT for nothing that follows it.
    for (const [name, step] of steps.filter(([name]) => runsStep(peer, name))) {
      const started = Date.now();
      try {
        await step(server, generator, target);
        result.seconds = { ...result.seconds, [name]: (Date.now() - started) / 1000 };
      } catch (error) {
        result.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        if (!(await alive(server))) break;
        await generator.call('closeAll').catch(() => {});
      }
    }
  } catch (error) {
    result.errors.push(error instanceof Error ? error.message : String(error));
  } finally {
    await Promise.all([server.stop(), generator.stop()]);
  }
  return result;
}

/** Whether `peer` runs step `name`: its own list, and the replay only where sessions resume. */
export function runsStep(peer: Peer, name: StepName): boolean {
  if (name === 'replay' && peer.client !== 'ws-resume') return false;
  return peer.steps === undefined || peer.steps.includes(name);
}

/** How a bench server is spawned: core 0, `gc()` exposed, on an earlier build if asked. */
export function serverOptions(peer: Peer): SpawnOptions {
  if (peer.dist === undefined) return { cpu: 0, nodeArgs: ['--expose-gc'] };
  return {
    cpu: 0,
    nodeArgs: ['--expose-gc', '-r', scriptPath('redirect-dist')],
    env: { BENCH_GATEWAY_DIST: peer.dist },
  };
}

async function alive(child: Child): Promise<boolean> {
  return child.call('cpu', {}, 5000).then(
    () => true,
    () => false,
  );
}
