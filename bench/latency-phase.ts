// The latency phase: every server up at once, the fixed open-loop load moving from one to the
// next in short windows. A shared machine's hiccups (a descheduled core, another job) last
// from milliseconds to seconds; in one long run per server they land on whichever server was
// running, and its p99 says more about the machine than about the server. Interleaved windows
// spread them over every server alike, so the ratios compare servers, not moments.
import { Child, scriptPath } from './children';
import type { Peer } from './peers';
import type { EchoCounts } from './protocol';
import { checkClean, offeredRate, runsStep, serverOptions, type Plan } from './scenarios';
import { median } from './stats';

/** What the load generator reports of one measured window (see `latencyMeasure`). */
export interface LatencyRun {
  seconds: number;
  sent: number;
  replies: number;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  /** How late the generator's timers fired at p99 (ms), per request like the latencies. */
  lateP99: number | null;
  generatorLoad: number;
}

/** One window's percentiles (ms). */
export interface LatencyWindow {
  p50: number;
  p99: number;
  p999: number;
}

/** One server's outcome: the percentiles of each window left in, and why others were not. */
export interface LatencyOutcome {
  /** By cycle, for ratios paired with the reference's window of the same cycle; `undefined`
   * where the window was flagged. */
  windows: (LatencyWindow | undefined)[];
  /** Replies checked (id and payload) over every window. */
  verified: number;
  flags: string[];
  errors: string[];
}

/** Node's timers fire on a millisecond clock: up to this much late on an idle machine. */
export const TIMER_GRANULARITY_MS = 1;

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/**
 * Why one window says more about the generator than about the server: the generator could not
 * keep the offered rate or ran out of CPU, its timers fired late, beyond their granularity, by
 * a quarter of the shortest gap `minMs` (the requests no longer kept the schedule's shape), or
 * the server answered less than 95% of the requests in the window (above saturation).
 */
export function windowFlags(run: LatencyRun, offered: number, minMs: number): string[] {
  const flags: string[] = [];
  const sentRate = run.sent / run.seconds;
  if (run.generatorLoad > 0.9) {
    flags.push(`latency: load generator at ${percent(run.generatorLoad)} of its core`);
  }
  if (sentRate < 0.95 * offered) {
    flags.push(`latency: generator sent ${percent(sentRate / offered)} of the offered rate`);
  }
  if (run.lateP99 !== null && run.lateP99 - TIMER_GRANULARITY_MS >= 0.25 * minMs) {
    flags.push(
      `latency: generator timers ${run.lateP99.toFixed(1)} ms late at p99 (the schedule lost its shape)`,
    );
  }
  if (run.replies < 0.95 * run.sent) {
    flags.push(
      `latency: ${percent(run.replies / Math.max(1, run.sent))} of requests answered in the window (server above saturation)`,
    );
  }
  return flags;
}

/**
 * What the generator's own timing says of every figure: how late its timers fired at p99, beyond
 * their granularity, in the median window of all servers. Its event loop keeps replies waiting
 * as long, so p99s of that size are the generator's and the machine's as much as the server's:
 * interleaving makes that share the same for every server, and ratios near 1 then mean no
 * difference above the noise.
 */
export function machineNote(lateP99: readonly number[]): string | undefined {
  if (lateP99.length === 0) return undefined;
  const late = median(lateP99);
  return `Latency: the load generator's timers fired ${late.toFixed(1)} ms late at p99 in the median window (${TIMER_GRANULARITY_MS} ms is their granularity); latencies of that size are as much the generator's and the machine's as the server's, alike for every server since the windows interleave.`;
}

/** The order of the servers in window `cycle`: each cycle starts one server later. */
export function rotation<T>(items: readonly T[], cycle: number): T[] {
  const start = cycle % Math.max(1, items.length);
  return [...items.slice(start), ...items.slice(0, start)];
}

/** The peers whose latency this phase measures: those with the step, each on its own. */
export function latencyPeers(peers: readonly Peer[]): Peer[] {
  return peers.filter((peer) => peer.round === undefined && runsStep(peer, 'latency'));
}

interface Running {
  peer: Peer;
  server: Child;
  port: number;
  outcome: LatencyOutcome;
}

export interface LatencyPhase {
  outcomes: Map<Peer, LatencyOutcome>;
  /** How late the generator's timers fired at p99 in each measured window (ms). */
  lateP99: number[];
}

/**
 * Measures every peer in `plan.latency.windows` cycles of one window each; `log` gets one line
 * per cycle. A server that fails a window (mismatched or lost replies, a crash) is left out of
 * the later cycles, with its error.
 */
export async function runLatencyPhase(
  peers: readonly Peer[],
  plan: Plan,
  log: (line: string) => void = () => {},
): Promise<LatencyPhase> {
  const { connections, minMs, maxMs, warmupMs, measureMs, windows } = plan.latency;
  const offered = offeredRate(plan);
  const generator = new Child('load generator', scriptPath('load-generator'), { cpu: 1 });
  const running: Running[] = [];
  const outcomes = new Map<Peer, LatencyOutcome>();
  const late: number[] = [];
  try {
    for (const peer of peers) {
      const outcome: LatencyOutcome = { windows: [], verified: 0, flags: [], errors: [] };
      outcomes.set(peer, outcome);
      const script = peer.scriptFile ?? scriptPath('servers', peer.script);
      const server = new Child(peer.label, script, serverOptions(peer));
      try {
        const { port } = await server.ready;
        running.push({ peer, server, port, outcome });
      } catch (error) {
        outcome.errors.push(`latency: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (let cycle = 0; cycle < windows; cycle++) {
      const started = Date.now();
      for (const entry of rotation(running, cycle)) {
        if (entry.outcome.errors.length > 0) continue;
        const { outcome } = entry;
        try {
          await generator.call('latencyStart', {
            kind: entry.peer.client,
            port: entry.port,
            connections,
            minMs,
            maxMs,
          });
          await new Promise((resolve) => setTimeout(resolve, warmupMs));
          const run = await generator.call<LatencyRun>('latencyMeasure', { ms: measureMs });
          const totals = await generator.call<EchoCounts & { lost: number }>('latencyStop');
          checkClean(totals);
          outcome.verified += totals.replies;
          // The server collects its garbage now, not in the next server's window on its core.
          await entry.server.call('memory');
          const flags = windowFlags(run, offered, minMs);
          const { p50, p99, p999, lateP99 } = run;
          if (flags.length > 0 || p50 === null || p99 === null || p999 === null) {
            outcome.flags.push(...flags.map((flag) => `${flag} (window ${cycle + 1})`));
            continue;
          }
          outcome.windows[cycle] = { p50, p99, p999 };
          if (lateP99 !== null) late.push(lateP99);
        } catch (error) {
          outcome.errors.push(`latency: ${error instanceof Error ? error.message : String(error)}`);
          await generator.call('closeAll').catch(() => {});
        }
      }
      log(
        `latency window ${cycle + 1}/${windows}: ${running.length} servers, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await Promise.all([generator.stop(), ...running.map((entry) => entry.server.stop())]);
  }
  return { outcomes, lateP99: late };
}
