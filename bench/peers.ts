// The servers compared in one run, the metrics measured on each, and the targets from
// issue 8 (ratios to raw `ws` in the same run).
import type { ClientKind } from './protocol';

export interface Peer {
  key: string;
  label: string;
  /** File name under `bench/servers/`, without extension. */
  script: string;
  /** Absolute path of a server script elsewhere (the smoke test's fixtures). */
  scriptFile?: string;
  client: ClientKind;
  /** `redis`: two processes of the server on one redis-server, broadcast only. */
  round?: 'redis';
}

export const BASELINE = 'ws';

export const PEERS: readonly Peer[] = [
  { key: BASELINE, label: 'raw ws (baseline)', script: 'ws', client: 'ws' },
  {
    key: 'fastify-websocket',
    label: '@fastify/websocket',
    script: 'fastify-websocket',
    client: 'ws',
  },
  { key: 'plugin', label: 'our plugin', script: 'plugin', client: 'ws' },
  { key: 'gateway', label: 'our gateway', script: 'gateway', client: 'ws' },
  { key: 'gateway-dto', label: 'our gateway + DTO', script: 'gateway-validated', client: 'ws' },
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
];

export type MetricKey = 'echo' | 'cpu' | 'heap' | 'connect' | 'broadcast';

export interface Metric {
  key: MetricKey;
  title: string;
  unit: string;
  better: 'higher' | 'lower';
}

export const METRICS: readonly Metric[] = [
  { key: 'echo', title: 'echo throughput', unit: 'msg/s', better: 'higher' },
  { key: 'cpu', title: 'server CPU per message', unit: 'µs', better: 'lower' },
  { key: 'heap', title: 'heap+external per idle connection', unit: 'bytes', better: 'lower' },
  { key: 'connect', title: 'connect+close per connection', unit: 'µs', better: 'lower' },
  { key: 'broadcast', title: 'broadcast deliveries', unit: 'deliveries/s', better: 'higher' },
];

export interface Target {
  peer: string;
  metric: MetricKey;
  /** The ratio to raw ws must be at least (`higher`) or at most (`lower`) this. */
  ratio: number;
  label: string;
}

export const TARGETS: readonly Target[] = [
  { peer: 'gateway', metric: 'echo', ratio: 0.85, label: 'gateway echo throughput' },
  { peer: 'gateway', metric: 'cpu', ratio: 1.2, label: 'gateway CPU per message' },
  { peer: 'gateway-dto', metric: 'echo', ratio: 0.75, label: 'validated echo throughput' },
  { peer: 'gateway', metric: 'heap', ratio: 1.6, label: 'heap per idle connection' },
  { peer: 'gateway', metric: 'connect', ratio: 1.2, label: 'connect+close per connection' },
  { peer: 'gateway', metric: 'broadcast', ratio: 1.0, label: 'broadcast deliveries/s' },
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
