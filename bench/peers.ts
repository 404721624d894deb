// The servers compared in one run, the metrics measured on each, and the targets (ratios to
// raw `ws` or to "ws + cork" in the same run).
import type { ClientKind } from './protocol';

export interface Peer {
  key: string;
  label: string;
  /** File name under `bench/servers/`, without extension. */
  script: string;
  /** Absolute path of a server script elsewhere (the smoke test's fixtures). */
  scriptFile?: string;
  client: ClientKind;
  /** `redis`: two processes of the server on one redis-server, broadcast only. `redis-echo`:
   * one process on its own redis-server, the steps in `steps`. */
  round?: 'redis' | 'redis-echo';
  /** The steps this peer runs (every step when omitted). */
  steps?: readonly StepName[];
  /** A build of this package to run the server on instead of `dist/` (`--before <dir>`). */
  dist?: string;
  /** Key of the peer this one is the earlier build of. */
  before?: string;
}

/** The gateway rows again, on an earlier build: before/after in one run. */
export function beforePeers(dist: string): Peer[] {
  return PEERS.filter((peer) => peer.key === 'gateway' || peer.key === 'gateway-dto').map(
    (peer) => ({
      ...peer,
      key: `${peer.key}@before`,
      label: `${peer.label} (before)`,
      dist,
      before: peer.key,
    }),
  );
}

/** The steps of one round (see bench/scenarios.ts); `replay` runs on `ws-resume` peers only. */
export type StepName = 'heap' | 'connect' | 'echo' | 'broadcast' | 'latency' | 'replay';

export const BASELINE = 'ws';

/** Raw `ws` with frames of one tick corked into one write: the best this stack can do. */
export const CORKED = 'ws-cork';

export const PEERS: readonly Peer[] = [
  { key: BASELINE, label: 'raw ws (baseline)', script: 'ws', client: 'ws' },
  { key: CORKED, label: 'ws + cork (reference)', script: 'ws-cork', client: 'ws' },
  {
    key: 'fastify-websocket',
    label: '@fastify/websocket',
    script: 'fastify-websocket',
    client: 'ws',
  },
  { key: 'plugin', label: 'our plugin', script: 'plugin', client: 'ws' },
  { key: 'gateway', label: 'our gateway', script: 'gateway', client: 'ws' },
  { key: 'gateway-dto', label: 'our gateway + DTO', script: 'gateway-validated', client: 'ws' },
  {
    key: 'gateway-interceptor',
    label: 'our gateway + no-op interceptor',
    script: 'gateway-interceptor',
    client: 'ws',
  },
  {
    key: 'gateway-metrics',
    label: 'our gateway + metrics',
    script: 'gateway-metrics',
    client: 'ws',
  },
  {
    key: 'gateway-resume',
    label: 'our gateway + session resume',
    script: 'gateway-resume',
    client: 'ws-resume',
  },
  { key: 'socket.io', label: 'socket.io 4', script: 'socket-io', client: 'socket.io' },
  { key: 'nest', label: 'NestJS gateway', script: 'nest', client: 'ws' },
  {
    key: 'nest-validated',
    label: 'NestJS + ValidationPipe',
    script: 'nest-validated',
    client: 'ws',
  },
  {
    key: 'gateway-redis',
    label: 'our gateway, Redis broadcast (2 processes)',
    script: 'gateway-redis',
    client: 'ws',
    round: 'redis',
  },
  {
    key: 'gateway-redis-echo',
    label: 'our gateway, Redis adapter',
    script: 'gateway-redis',
    client: 'ws',
    round: 'redis-echo',
    steps: ['echo'],
  },
  {
    key: 'gateway-redis-resume',
    label: 'our gateway, Redis adapter + session resume',
    script: 'gateway-redis-resume',
    client: 'ws-resume',
    round: 'redis-echo',
    steps: ['echo', 'replay'],
  },
];

export type MetricKey =
  | 'echo'
  | 'cpu'
  | 'heap'
  | 'connect'
  | 'broadcast'
  | 'broadcastCpu'
  | 'p50'
  | 'p99'
  | 'p999'
  | 'replay';

export interface Metric {
  key: MetricKey;
  title: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Measured only on servers with session resume: absolute figures, no ratio columns. */
  resumeOnly?: true;
}

export const METRICS: readonly Metric[] = [
  { key: 'echo', title: 'echo throughput', unit: 'msg/s', better: 'higher' },
  { key: 'cpu', title: 'server CPU per message', unit: 'µs', better: 'lower' },
  { key: 'heap', title: 'heap+external per idle connection', unit: 'bytes', better: 'lower' },
  { key: 'connect', title: 'connect+close per connection', unit: 'µs', better: 'lower' },
  { key: 'broadcast', title: 'broadcast deliveries', unit: 'deliveries/s', better: 'higher' },
  {
    key: 'broadcastCpu',
    title: 'server CPU per broadcast delivery',
    unit: 'µs',
    better: 'lower',
  },
  { key: 'p50', title: 'latency p50', unit: 'ms', better: 'lower' },
  { key: 'p99', title: 'latency p99', unit: 'ms', better: 'lower' },
  { key: 'p999', title: 'latency p99.9', unit: 'ms', better: 'lower' },
  {
    key: 'replay',
    title: 'resume: reconnect to last of 1,000 missed frames',
    unit: 'ms',
    better: 'lower',
    resumeOnly: true,
  },
];

export interface Target {
  peer: string;
  metric: MetricKey;
  /** The server the ratio is taken to: raw `ws`, "ws + cork", or the same gateway without
   * the option measured. */
  base: typeof BASELINE | typeof CORKED | 'gateway' | 'gateway-redis-echo';
  /** The ratio to `base` must be at least (`higher`) or at most (`lower`) this. */
  ratio: number;
  label: string;
}

export const TARGETS: readonly Target[] = [
  // Issue 8, against raw ws.
  { peer: 'gateway', metric: 'echo', base: BASELINE, ratio: 0.85, label: 'gateway echo' },
  { peer: 'gateway', metric: 'cpu', base: BASELINE, ratio: 1.2, label: 'gateway CPU per message' },
  // Issue 16: against the best this stack can do (ws + cork), and raw ws for memory and churn.
  {
    peer: 'gateway-dto',
    metric: 'echo',
    base: CORKED,
    ratio: 0.85,
    label: 'validated echo',
  },
  {
    peer: 'gateway',
    metric: 'broadcast',
    base: CORKED,
    ratio: 0.95,
    label: 'broadcast deliveries',
  },
  {
    peer: 'gateway',
    metric: 'heap',
    base: BASELINE,
    ratio: 1.1,
    label: 'idle heap per connection',
  },
  {
    peer: 'gateway',
    metric: 'connect',
    base: BASELINE,
    ratio: 1.05,
    label: 'connect+close per connection',
  },
  { peer: 'gateway', metric: 'p99', base: CORKED, ratio: 1.2, label: 'p99 at fixed load' },
  // Issue 18: the pipeline and metrics against the same gateway without them.
  {
    peer: 'gateway-interceptor',
    metric: 'echo',
    base: 'gateway',
    ratio: 0.9,
    label: 'echo with one no-op global interceptor',
  },
  {
    peer: 'gateway-metrics',
    metric: 'echo',
    base: 'gateway',
    ratio: 0.9,
    label: 'echo with metrics on',
  },
  // Issue 14: session resume against the same gateway without it (the client acknowledges).
  {
    peer: 'gateway-resume',
    metric: 'echo',
    base: 'gateway',
    ratio: 0.9,
    label: 'echo with session resume on (in memory)',
  },
  {
    peer: 'gateway-redis-resume',
    metric: 'echo',
    base: 'gateway-redis-echo',
    ratio: 0.7,
    label: 'echo with session resume on, Redis adapter',
  },
];

export function metricOf(key: MetricKey): Metric {
  return METRICS.find((metric) => metric.key === key)!;
}

/** Whether `ratio` meets `target`, in the metric's direction. */
export function meets(target: Target, ratio: number): boolean {
  return metricOf(target.metric).better === 'higher'
    ? ratio >= target.ratio
    : ratio <= target.ratio;
}
