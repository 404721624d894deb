// Turns the rounds into the Markdown report: ratios to raw ws with the targets,
// then absolute medians with their spread, then the machine and the command.
import { cpus } from 'node:os';
import type { Plan } from './scenarios';
import { median } from './stats';
import {
  BASELINE,
  METRICS,
  TARGETS,
  meets,
  metricOf,
  type MetricKey,
  type Peer,
  type Target,
} from './peers';

export interface PeerSamples {
  peer: Peer;
  samples: Record<MetricKey, number[]>;
  /** The values of each round, in order, for ratios paired with the baseline's round. */
  rounds: Partial<Record<MetricKey, number>>[];
  generatorLoad: number[];
  errors: string[];
}

export interface ReportContext {
  command: string;
  plan: Plan;
  rounds: number;
  pinned: boolean;
  seconds: number;
  notes: string[];
}

function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/**
 * A peer's ratio to the baseline: the median over rounds of its value divided by the
 * baseline's value in the same round, so load that drifts during the run cancels out.
 */
export function ratioOf(
  all: readonly PeerSamples[],
  peer: string,
  key: MetricKey,
): number | undefined {
  const base = all.find((entry) => entry.peer.key === BASELINE);
  const entry = all.find((candidate) => candidate.peer.key === peer);
  if (!base || !entry) return undefined;
  const ratios = entry.rounds.flatMap((values, round) => {
    const value = values[key];
    const baseValue = base.rounds[round]?.[key];
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

function ratioCell(all: readonly PeerSamples[], entry: PeerSamples, key: MetricKey): string {
  if (entry.errors.some((error) => error.startsWith(`${key === 'cpu' ? 'echo' : key}:`))) {
    return 'error';
  }
  const ratio = ratioOf(all, entry.peer.key, key);
  if (ratio === undefined) return '–';
  const target = TARGETS.find((goal) => goal.peer === entry.peer.key && goal.metric === key);
  const mark = target ? (meets(target, ratio) ? ' ✓' : ' ✗') : '';
  return `${formatRatio(ratio, target)}${mark}`;
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} cores, ${model}, Node ${process.version}, ${process.platform}`;
}

export function renderReport(all: readonly PeerSamples[], context: ReportContext): string {
  const { plan } = context;
  const keys = METRICS.map((metric) => metric.key);
  const header = (first: string, cells: string[]): string[] => [
    `| ${first} | ${cells.join(' | ')} |`,
    `|---|${cells.map(() => '---:').join('|')}|`,
  ];
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Ratios to raw \`ws\`: each server's value divided by raw \`ws\`'s in the same round, median over ${context.rounds} interleaved rounds. ↑ higher is better, ↓ lower is better; ✓/✗: target from issue 8.`,
    '',
    ...header(
      'server',
      METRICS.map((metric) => `${metric.title} ${arrow(metric.key)}`),
    ),
    ...all.map(
      (entry) =>
        `| ${entry.peer.label} | ${keys.map((key) => ratioCell(all, entry, key)).join(' | ')} |`,
    ),
    '',
    '## Targets',
    '',
    ...header('target', ['goal', 'measured', '']),
    ...TARGETS.map((target) => {
      const ratio = ratioOf(all, target.peer, target.metric);
      const op = metricOf(target.metric).better === 'higher' ? '≥' : '≤';
      const measured = ratio === undefined ? 'not measured' : formatRatio(ratio, target);
      const verdict = ratio === undefined ? '–' : meets(target, ratio) ? '✓' : '✗';
      return `| ${target.label} | ${op} ${target.ratio.toFixed(2)}× | ${measured} | ${verdict} |`;
    }),
    '',
    '## Absolute medians (min–max over rounds)',
    '',
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
    '',
    `Workload: echo over ${plan.echo.connections} connections × ${plan.echo.inFlight} in flight, ${plan.echo.measureMs / 1000} s measured after ${plan.echo.warmupMs / 1000} s warm-up (CPU per message from the server's \`process.cpuUsage()\` over the same window); heap over ${plan.heap.connections} idle connections after \`gc()\`; connect+close of ${plan.connect.connections} connections, ${plan.connect.batch} at a time; broadcast of ${plan.broadcast.broadcasts} frames to ${plan.broadcast.clients} clients (median of ${plan.broadcast.repeats}). Each server is a fresh process per round.`,
    '',
    `Machine: ${machine()}. Server pinned to core 0 and load generator to core 1: ${context.pinned ? 'yes (taskset)' : 'no (taskset not available)'}. Run took ${Math.round(context.seconds)} s.`,
    '',
    `Command: \`${context.command}\``,
  ];
  const errors = all.flatMap((entry) =>
    entry.errors.map((error) => `- ${entry.peer.label}: ${error}`),
  );
  if (errors.length) lines.push('', '## Errors', '', ...errors);
  if (context.notes.length)
    lines.push('', '## Notes', '', ...context.notes.map((note) => `- ${note}`));
  return lines.join('\n') + '\n';
}
