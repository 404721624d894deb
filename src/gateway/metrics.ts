/**
 * Prometheus metrics with prom-client, an optional peer: loaded only when
 * `bootstrap(…, { metrics: { registry } })` asks for it. Label values are bounded: events are
 * those the gateways declare, codes the ones the server knows (user codes capped), so no
 * client can grow the series count.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Errors } from '../errors';
import type { GatewayAdapter } from './adapter';

/** Options of `bootstrap(app, gateways, { metrics })`. */
export interface MetricsOptions {
  /** Your prom-client `Registry`; serve it from your own `/metrics` route. */
  readonly registry: Registry;
  /** Buckets of `fwg_handler_duration_seconds`; default from 0.5 ms to 5 s. */
  readonly buckets?: readonly number[];
}

const DEFAULT_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Distinct user error codes counted by name; later ones count as `other`. */
const MAX_USER_CODES = 50;
/** The event label of frames that never named a declared event. */
export const NO_EVENT = '*';

interface AdapterStats {
  readonly published: number;
  readonly received: number;
  readonly replayed: number;
  readonly dropped: number;
}

interface Instruments {
  readonly connections: Gauge<'gateway'>;
  readonly messages: Counter<'gateway' | 'event' | 'outcome'>;
  readonly duration: Histogram<'gateway' | 'event'>;
  readonly closes: Counter<'gateway' | 'code'>;
  readonly adapterFrames: Counter<'kind'>;
}

/** Adapters whose `stats()` the adapter counter reads, per registry (apps may share one). */
const adapterSources = new WeakMap<Registry, Set<{ stats(): AdapterStats }>>();

type PromClient = typeof import('prom-client');

function loadPromClient(): PromClient {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('prom-client') as PromClient;
  } catch (error) {
    throw Object.assign(
      Errors.INVALID_ARGUMENT(
        'bootstrap() metrics',
        'install prom-client, an optional peer dependency, to record metrics',
      ),
      { cause: error },
    );
  }
}

/** The instruments of `registry`, created once per registry (a second app reuses them). */
function instruments(options: MetricsOptions): Instruments {
  const client = loadPromClient();
  const { registry } = options;
  const registers = [registry];
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T;
  const sources = adapterSources.get(registry) ?? new Set();
  adapterSources.set(registry, sources);
  return {
    connections:
      existing('fwg_connections') ??
      new client.Gauge({
        name: 'fwg_connections',
        help: 'Open WebSocket connections, by gateway',
        labelNames: ['gateway'] as const,
        registers,
      }),
    messages:
      existing('fwg_messages_total') ??
      new client.Counter({
        name: 'fwg_messages_total',
        help: 'Client messages by gateway, event and outcome (ok or the error code sent)',
        labelNames: ['gateway', 'event', 'outcome'] as const,
        registers,
      }),
    duration:
      existing('fwg_handler_duration_seconds') ??
      new client.Histogram({
        name: 'fwg_handler_duration_seconds',
        help: 'Time from a message reaching its pipeline to its reply, by gateway and event',
        labelNames: ['gateway', 'event'] as const,
        buckets: [...(options.buckets ?? DEFAULT_BUCKETS)],
        registers,
      }),
    closes:
      existing('fwg_closes_total') ??
      new client.Counter({
        name: 'fwg_closes_total',
        help: 'Closed connections by gateway and close code',
        labelNames: ['gateway', 'code'] as const,
        registers,
      }),
    adapterFrames:
      existing('fwg_adapter_frames_total') ??
      new client.Counter({
        name: 'fwg_adapter_frames_total',
        help: 'Frames through the cross-process adapter: published, received, replayed, dropped',
        labelNames: ['kind'] as const,
        registers,
        collect() {
          const totals = { published: 0, received: 0, replayed: 0, dropped: 0 };
          for (const source of sources) {
            const stats = source.stats();
            for (const kind of Object.keys(totals) as (keyof AdapterStats)[])
              totals[kind] += stats[kind];
          }
          this.reset();
          for (const [kind, value] of Object.entries(totals)) this.inc({ kind }, value);
        },
      }),
  };
}

/** A close code as a label: the protocol's own codes as is, application ranges grouped. */
export function closeCodeLabel(code: number): string {
  if (code >= 1000 && code <= 1015) return String(code);
  if (code >= 3000 && code <= 3999) return '3xxx';
  if (code >= 4000 && code <= 4999) return '4xxx';
  return 'other';
}

/** One gateway's metrics; its hot-path children are looked up once per declared event. */
export class GatewayMetrics {
  private readonly ok = new Map<string, { inc(): void }>();
  private readonly timers = new Map<string, { observe(value: number): void }>();
  private readonly userCodes = new Set<string>();
  private readonly gauge: { inc(): void; dec(): void };

  constructor(
    private readonly instruments: Instruments,
    private readonly gateway: string,
    events: Iterable<string>,
    private readonly builtInCodes: ReadonlySet<string>,
  ) {
    for (const event of events) {
      this.ok.set(event, instruments.messages.labels(gateway, event, 'ok'));
      this.timers.set(event, instruments.duration.labels(gateway, event));
    }
    this.gauge = instruments.connections.labels(gateway);
  }

  /** A handled message: its one frame went out after `seconds`. */
  handled(event: string, outcome: string, seconds: number): void {
    this.timers.get(event)?.observe(seconds);
    if (outcome === 'ok') this.ok.get(event)?.inc();
    else
      this.instruments.messages.inc({ gateway: this.gateway, event, outcome: this.code(outcome) });
  }

  /** A frame answered before a handler: its event is not trusted as a label. */
  refused(code: string): void {
    this.instruments.messages.inc({ gateway: this.gateway, event: NO_EVENT, outcome: code });
  }

  opened(): void {
    this.gauge.inc();
  }

  closed(code: number): void {
    this.gauge.dec();
    this.instruments.closes.inc({ gateway: this.gateway, code: closeCodeLabel(code) });
  }

  private code(code: string): string {
    if (this.builtInCodes.has(code) || this.userCodes.has(code)) return code;
    if (this.userCodes.size >= MAX_USER_CODES) return 'other';
    this.userCodes.add(code);
    return code;
  }
}

/** The metrics of one app: one `GatewayMetrics` per gateway, plus the adapter's counters. */
export function createMetrics(options: MetricsOptions): {
  readonly forGateway: (
    name: string,
    events: Iterable<string>,
    codes: ReadonlySet<string>,
  ) => GatewayMetrics;
  readonly watchAdapter: (adapter: GatewayAdapter) => () => void;
} {
  if (typeof options !== 'object' || options === null || typeof options.registry !== 'object') {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap() metrics',
      'pass { registry }, a prom-client Registry',
    );
  }
  const shared = instruments(options);
  return {
    forGateway: (name, events, codes) => new GatewayMetrics(shared, name, events, codes),
    watchAdapter: (adapter) => {
      const source = adapter as Partial<{ stats(): AdapterStats }>;
      const sources = adapterSources.get(options.registry) as Set<{ stats(): AdapterStats }>;
      if (typeof source.stats !== 'function') return () => undefined;
      const entry = { stats: () => (source.stats as () => AdapterStats).call(adapter) };
      sources.add(entry);
      return () => sources.delete(entry);
    },
  };
}
