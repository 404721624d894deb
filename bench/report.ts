// Turns the rounds into the Markdown report: ratios to raw ws and to "ws + cork" with the
// targets, the scale curve, then absolute medians with their spread, the machine and the command.
import { cpus } from 'node:os';
import type { Plan } from './scenarios';
import type { ScaleStep } from './scale';
import { median } from './stats';
import {
  BASELINE,
  CORKED,
  METRICS,
  PEERS,
  TARGETS,
  meets,
  metricOf,
  type MetricKey,
  type Peer,
  type Target,
} from './peers';
import { offeredRate } from './scenarios';

export interface PeerSamples {
  peer: Peer;
  samples: Record<MetricKey, number[]>;
  /** The values of each round, in order, for ratios paired with the baseline's round. */
  rounds: Partial<Record<MetricKey, number>>[];
  /** The latency figures of each window, by cycle, paired the same way (see latency-phase). */
  windows: Partial<Record<MetricKey, number>>[];
  generatorLoad: number[];
  errors: string[];
  /** Figures not recorded because the generator or the machine set them (see RoundResult). */
  flags: string[];
}

export interface ReportContext {
  command: string;
  plan: Plan;
  rounds: number;
  pinned: boolean;
  seconds: number;
  notes: string[];
  scale?: ScaleStep[];
  /** Notes on the scale curve (steps left out and why). */
  scaleNotes?: string[];
}

export function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/**
 * A peer's ratio to `base`: the median over rounds (latency: windows) of its value divided by
 * the base's value in the same round, so load that drifts during the run cancels out.
 */
export function ratioOf(
  all: readonly PeerSamples[],
  peer: string,
  key: MetricKey,
  base: string = BASELINE,
): number | undefined {
  const reference = all.find((entry) => entry.peer.key === base);
  const entry = all.find((candidate) => candidate.peer.key === peer);
  if (!reference || !entry) return undefined;
  const paired = (samples: PeerSamples): PeerSamples['rounds'] =>
    stepOf(key) === 'latency' ? samples.windows : samples.rounds;
  const ratios = paired(entry).flatMap((values, round) => {
    const value = values[key];
    const baseValue = paired(reference)[round]?.[key];
    return value === undefined || !baseValue ? [] : [value / baseValue];
  });
  return ratios.length ? median(ratios) : undefined;
}

/** Two decimals, or three when two would print the target itself on a miss (0.849 vs 0.85). */
function formatRatio(ratio: number, target?: Target): string {
  const short = ratio.toFixed(2);
  const ambiguous =
    target !== undefined && short === target.ratio.toFixed(2) && !meets(target, ratio);
  return `${ambiguous ? ratio.toFixed(3) : short}×`;
}

function arrow(key: MetricKey): string {
  return metricOf(key).better === 'higher' ? '↑' : '↓';
}

/** The step a metric is measured in, as errors and flags name it. */
function stepOf(key: MetricKey): string {
  if (key === 'cpu') return 'echo';
  if (key === 'broadcastCpu') return 'broadcast';
  if (key === 'p50' || key === 'p99' || key === 'p999') return 'latency';
  return key;
}

function ratioCell(
  all: readonly PeerSamples[],
  entry: PeerSamples,
  key: MetricKey,
  base: string,
): string {
  if (entry.errors.some((error) => error.startsWith(`${stepOf(key)}:`))) return 'error';
  const ratio = ratioOf(all, entry.peer.key, key, base);
  if (ratio === undefined) {
    return entry.flags.some((flag) => flag.startsWith(`${stepOf(key)}:`)) ? 'flagged' : '–';
  }
  const target = TARGETS.find(
    (goal) => goal.peer === entry.peer.key && goal.metric === key && goal.base === base,
  );
  const mark = target ? (meets(target, ratio) ? ' ✓' : ' ✗') : '';
  return `${formatRatio(ratio, target)}${mark}`;
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} cores, ${model}, Node ${process.version}, ${process.platform}`;
}

function header(first: string, cells: string[]): string[] {
  return [`| ${first} | ${cells.join(' | ')} |`, `|---|${cells.map(() => '---:').join('|')}|`];
}

function ratioTable(all: readonly PeerSamples[], base: string): string[] {
  return [
    ...header(
      'server',
      RATIO_METRICS.map((metric) => `${metric.title} ${arrow(metric.key)}`),
    ),
    ...all.map(
      (entry) =>
        `| ${entry.peer.label} | ${RATIO_METRICS.map((metric) => ratioCell(all, entry, metric.key, base)).join(' | ')} |`,
    ),
  ];
}

function baseLabel(base: string): string {
  if (base === BASELINE) return 'raw ws';
  if (base === CORKED) return 'ws + cork';
  return PEERS.find((peer) => peer.key === base)?.label ?? base;
}

/** The metrics with ratio columns: the resume-only ones are absolute figures. */
const RATIO_METRICS = METRICS.filter((metric) => !metric.resumeOnly);

/** Targets with their measured ratio; with "before" rows in the run, the ratio before too. */
function targetTable(all: readonly PeerSamples[]): string[] {
  const before = (peer: string): string | undefined =>
    all.find((entry) => entry.peer.before === peer)?.peer.key;
  const hasBefore = TARGETS.some((target) => before(target.peer) !== undefined);
  const rows = TARGETS.map((target) => {
    const ratio = ratioOf(all, target.peer, target.metric, target.base);
    const op = metricOf(target.metric).better === 'higher' ? '≥' : '≤';
    const measured = ratio === undefined ? 'not measured' : formatRatio(ratio, target);
    const verdict = ratio === undefined ? '–' : meets(target, ratio) ? '✓' : '✗';
    const goal = `${op} ${target.ratio.toFixed(2)}× ${baseLabel(target.base)}`;
    const cells = [goal];
    if (hasBefore) {
      const key = before(target.peer);
      const old = key === undefined ? undefined : ratioOf(all, key, target.metric, target.base);
      cells.push(old === undefined ? '–' : formatRatio(old, target));
    }
    cells.push(measured, verdict);
    return `| ${target.label} (${target.peer}) | ${cells.join(' | ')} |`;
  });
  return [...header('target', ['goal', ...(hasBefore ? ['before'] : []), 'measured', '']), ...rows];
}

function absoluteTable(all: readonly PeerSamples[]): string[] {
  const keys = METRICS.map((metric) => metric.key);
  return [
    ...header('server', [
      ...METRICS.map((metric) => `${metric.title} (${metric.unit}) ${arrow(metric.key)}`),
      'generator CPU during echo',
    ]),
    ...all.map((entry) => {
      const cells = keys.map((key) => {
        const values = entry.samples[key];
        if (!values.length) return '–';
        const spread = `${formatNumber(Math.min(...values))}–${formatNumber(Math.max(...values))}`;
        return `${formatNumber(median(values))} (${spread})`;
      });
      const load = entry.generatorLoad.length
        ? `${Math.round(median(entry.generatorLoad) * 100)}%`
        : '–';
      return `| ${entry.peer.label} | ${[...cells, load].join(' | ')} |`;
    }),
  ];
}

/** The scale curve: one row per server and size, with cost per connection and accept time. */
export function scaleTable(steps: readonly ScaleStep[]): string[] {
  return [
    ...header('server', [
      'connections',
      'heap+external per connection (bytes)',
      'RSS per connection (bytes)',
      'time to accept all (s)',
      'accept per connection (µs)',
    ]),
    ...steps.map((step) =>
      step.error !== undefined
        ? `| ${step.label} | ${step.connections.toLocaleString('en-US')} | error: ${step.error} | | | |`
        : `| ${step.label} | ${step.connections.toLocaleString('en-US')} | ${formatNumber(step.heap)} | ${formatNumber(step.rss)} | ${step.acceptSeconds.toFixed(2)} | ${formatNumber((step.acceptSeconds * 1e6) / step.connections)} |`,
    ),
  ];
}

export function renderReport(all: readonly PeerSamples[], context: ReportContext): string {
  const { plan } = context;
  const lines: string[] = [
    '# Benchmark results',
    '',
    '![ratios to ws + cork](latest.svg)',
    '',
    `## Ratios to ws + cork`,
    '',
    `"ws + cork" is raw \`ws\` whose \`send()\` corks the TCP socket for the rest of the tick: the best this stack can do. Each server's value divided by ws + cork's in the same round, median over ${context.rounds} interleaved rounds. ↑ higher is better, ↓ lower is better; ✓/✗: target.`,
    '',
    ...ratioTable(all, CORKED),
    '',
    '## Ratios to raw ws',
    '',
    ...ratioTable(all, BASELINE),
    '',
    '## Targets',
    '',
    ...targetTable(all),
  ];
  if (context.scale?.length) {
    lines.push(
      '',
      '## Scale curve (idle connections)',
      '',
      'Each server once per size, in a fresh process: connections opened 100 at a time from several loopback addresses, each proven live by one verified echo; memory after a full GC, minus the memory before. Flat per-connection cost means memory grows linearly.',
      '',
      ...scaleTable(context.scale),
    );
    if (context.scaleNotes?.length)
      lines.push('', ...context.scaleNotes.map((note) => `- ${note}`));
  }
  lines.push(
    '',
    '## Absolute medians (min–max over rounds)',
    '',
    ...absoluteTable(all),
    '',
    `Workload: echo over ${plan.echo.connections} connections × ${plan.echo.inFlight} in flight, ${plan.echo.measureMs / 1000} s measured after ${plan.echo.warmupMs / 1000} s warm-up (CPU per message from the server's \`process.cpuUsage()\` over the same window); heap over ${plan.heap.connections} idle connections after \`gc()\`; connect+close of ${plan.connect.connections} connections, ${plan.connect.batch} at a time; broadcast of ${plan.broadcast.broadcasts} frames to ${plan.broadcast.clients} clients (median of ${plan.broadcast.repeats}); latency at a fixed offered load, open loop: ${plan.latency.connections} connections each sending one request every ${plan.latency.minMs}–${plan.latency.maxMs} ms (${Math.round(offeredRate(plan)).toLocaleString('en-US')} requests/s), measured from when each request was written (the schedule never waits for replies or a late timer), with every server up at once and the load moving from one to the next in ${plan.latency.windows} cycles of one window each (${plan.latency.measureMs / 1000} s after ${plan.latency.warmupMs / 1000} s warm-up; median over the windows), so the machine's hiccups fall on every server alike; resume (servers with session resume only): a client drops, ${plan.replay.frames.toLocaleString('en-US')} frames are broadcast, the client resumes, timed from the new socket's open to the last replayed frame (median of ${plan.replay.repeats}). Each server is a fresh process per round (and one more for the latency windows).`,
    '',
    `Machine: ${machine()}. Server pinned to core 0 and load generator to core 1: ${context.pinned ? 'yes (taskset)' : 'no (taskset not available)'}. Run took ${Math.round(context.seconds)} s.`,
    '',
    `Command: \`${context.command}\``,
  );
  const errors = all.flatMap((entry) =>
    entry.errors.map((error) => `- ${entry.peer.label}: ${error}`),
  );
  if (errors.length) lines.push('', '## Errors', '', ...errors);
  const flags = all.flatMap((entry) => entry.flags.map((flag) => `- ${entry.peer.label}: ${flag}`));
  if (flags.length) {
    lines.push(
      '',
      '## Flagged (not a figure of the server)',
      '',
      'These rounds or windows were left out of the latency figures: the load generator or the machine, not the server, set them.',
      '',
      ...flags,
    );
  }
  if (context.notes.length)
    lines.push('', '## Notes', '', ...context.notes.map((note) => `- ${note}`));
  return lines.join('\n') + '\n';
}
