// Runs every available server through interleaved rounds (a, b, c, … a, b, c) and gathers
// the samples per server and metric.
import { existsSync } from 'node:fs';
import { canPin, scriptPath } from './children';
import { METRICS, PEERS, beforePeers, type MetricKey, type Peer } from './peers';
import type { PeerSamples } from './report';
import { latencyPeers, machineNote, runLatencyPhase } from './latency-phase';
import { runRedisEchoRound } from './redis-echo-round';
import { hasRedisServer, runRedisRound } from './redis-round';
import { runRound, type Plan } from './scenarios';

/** `npm run bench`: the sizes issue 8 names. */
export const FULL_PLAN: Plan = {
  echo: { connections: 50, inFlight: 16, warmupMs: 1000, measureMs: 3000 },
  heap: { connections: 2000 },
  connect: { connections: 2000, batch: 50 },
  broadcast: { clients: 200, broadcasts: 200, repeats: 3 },
  latency: { connections: 200, minMs: 20, maxMs: 40, warmupMs: 500, measureMs: 1500, windows: 7 },
  replay: { frames: 1000, repeats: 5 },
};

/** `npm run bench -- --quick`: same shapes, smaller counts, to see a change's direction. */
export const QUICK_PLAN: Plan = {
  echo: { connections: 50, inFlight: 16, warmupMs: 300, measureMs: 700 },
  heap: { connections: 200 },
  connect: { connections: 100, batch: 50 },
  // Three bursts, median: one burst of 10,000 deliveries lasts a few ms, less than one
  // preemption on a shared machine.
  broadcast: { clients: 100, broadcasts: 100, repeats: 3 },
  latency: { connections: 200, minMs: 20, maxMs: 40, warmupMs: 300, measureMs: 1000, windows: 3 },
  replay: { frames: 1000, repeats: 3 },
};

export interface HarnessOptions {
  plan: Plan;
  rounds: number;
  /** Keys of the servers to run (all available ones when omitted). */
  only?: readonly string[];
  /** A build directory of this package to run the gateway rows on too (before/after). */
  beforeDist?: string;
  log?: (line: string) => void;
}

export interface HarnessResult {
  results: PeerSamples[];
  /** Servers left out because their compiled script is missing. */
  skipped: Peer[];
  pinned: boolean;
  verified: number;
  /** What the report should say of the run as a whole (the generator's timing). */
  notes: string[];
}

function emptySamples(): Record<MetricKey, number[]> {
  return Object.fromEntries(METRICS.map((metric) => [metric.key, []])) as unknown as Record<
    MetricKey,
    number[]
  >;
}

export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const log = options.log ?? (() => {});
  const all = PEERS.flatMap((peer) => {
    const before = options.beforeDist ? beforePeers(options.beforeDist) : [];
    return [peer, ...before.filter((candidate) => candidate.before === peer.key)];
  });
  const wanted = all.filter(
    (peer) => !options.only || options.only.includes(peer.before ?? peer.key),
  );
  const runnable = wanted.filter(
    (peer) =>
      existsSync(scriptPath('servers', peer.script)) &&
      (peer.round === undefined || hasRedisServer()),
  );
  const skipped = wanted.filter((peer) => !runnable.includes(peer));
  const results: PeerSamples[] = runnable.map((peer) => ({
    peer,
    samples: emptySamples(),
    rounds: [],
    windows: [],
    generatorLoad: [],
    errors: [],
    flags: [],
  }));
  let verified = 0;
  for (let round = 1; round <= options.rounds; round++) {
    for (const entry of results) {
      const { round: kind } = entry.peer;
      const measure =
        kind === 'redis' ? runRedisRound : kind === 'redis-echo' ? runRedisEchoRound : runRound;
      const started = Date.now();
      const outcome = await measure(entry.peer, options.plan);
      const steps = Object.entries(outcome.seconds ?? {})
        .map(([step, seconds]) => `${step} ${seconds.toFixed(1)}`)
        .join(', ');
      const took = `${((Date.now() - started) / 1000).toFixed(1)} s${steps ? `: ${steps}` : ''}`;
      verified += outcome.verified;
      entry.rounds.push(outcome.values);
      for (const [key, value] of Object.entries(outcome.values)) {
        entry.samples[key as MetricKey].push(value);
      }
      if (outcome.generatorLoad !== undefined) entry.generatorLoad.push(outcome.generatorLoad);
      entry.errors.push(...outcome.errors.map((error) => `${error} (round ${round})`));
      entry.flags.push(...(outcome.flags ?? []).map((flag) => `${flag} (round ${round})`));
      const summary = Object.entries(outcome.values)
        .map(([key, value]) => `${key}=${value.toFixed(value < 100 ? 2 : 0)}`)
        .join(' ');
      log(
        `round ${round}/${options.rounds} ${entry.peer.label} (${took}): ${summary}${outcome.flags?.length ? ` FLAGGED: ${outcome.flags.join('; ')}` : ''}${outcome.errors.length ? ` ERRORS: ${outcome.errors.join('; ')}` : ''}`,
      );
    }
  }
  // Latency last, every server at once in interleaved windows (see bench/latency-phase.ts).
  const latency = await runLatencyPhase(
    latencyPeers(results.map((entry) => entry.peer)),
    options.plan,
    log,
  );
  for (const entry of results) {
    const outcome = latency.outcomes.get(entry.peer);
    if (outcome === undefined) continue;
    entry.windows = Array.from(outcome.windows, (window) => window ?? {});
    for (const window of outcome.windows) {
      if (window === undefined) continue;
      entry.samples.p50.push(window.p50);
      entry.samples.p99.push(window.p99);
      entry.samples.p999.push(window.p999);
    }
    entry.flags.push(...outcome.flags);
    entry.errors.push(...outcome.errors);
    verified += outcome.verified;
  }
  const note = machineNote(latency.lateP99);
  return { results, skipped, pinned: canPin(), verified, notes: note === undefined ? [] : [note] };
}
