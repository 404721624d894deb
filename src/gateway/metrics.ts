/**
 * Prometheus metrics with prom-client, an optional peer: loaded only when
 * `bootstrap(…, { metrics: { registry } })` asks for it. Label values are bounded: events are
 * those the gateways declare, codes the ones the server knows (user codes capped), so no
 * client can grow the series count.
 *
 * The per-message figures (ok counts and handler durations) are kept in plain numbers and read
 * by the registry when it collects, so recording one costs a few additions, not a label lookup.
 */
import type { Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
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
const DURATION = 'fwg_handler_duration_seconds';

/** One line of a metric as the registry reads it (`getMetricsAsJSON()` shape). */
interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

interface AdapterStats {
  readonly published: number;
  readonly received: number;
  readonly replayed: number;
  readonly dropped: number;
}

/** What one registry holds for every app that records into it. */
interface Shared {
  readonly connections: Gauge<'gateway'>;
  readonly messages: Counter<'gateway' | 'event' | 'outcome'>;
  readonly durations: HandlerDurations;
  readonly closes: Counter<'gateway' | 'code'>;
  /** Gateways whose ok counts the messages counter collects. */
  readonly gateways: Set<GatewayMetrics>;
  /** Adapters whose `stats()` the adapter counter reads. */
  readonly adapters: Set<{ stats(): AdapterStats }>;
  /** Every metric above, as the registry holds them. */
  readonly instruments: ReadonlyMap<string, Metric>;
}

/** The instruments of each registry, created once (a second app reuses them). */
const sharedByRegistry = new WeakMap<Registry, Shared>();

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

/** The durations of one gateway and event: a count per bucket, the sum and the count. */
export class DurationSeries {
  /** Observations per bucket, not cumulative; the last one is `+Inf`. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: { readonly gateway: string; readonly event: string },
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]) bucket++;
    this.counts[bucket]++;
    this.sum += seconds;
    this.count++;
  }
}

/**
 * `fwg_handler_duration_seconds`: a histogram the registry reads like prom-client's own (same
 * names, labels, `le` buckets and `_sum`/`_count`), recorded without prom-client's label hashing.
 */
export class HandlerDurations {
  readonly name = DURATION;
  readonly help = 'Time from a message reaching its pipeline to its reply, by gateway and event';
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, DurationSeries>();

  constructor(readonly bounds: readonly number[]) {}

  /** The series of `gateway` and `event`; apps sharing a registry share it. */
  of(gateway: string, event: string): DurationSeries {
    const key = JSON.stringify([gateway, event]);
    let series = this.series.get(key);
    if (series === undefined) {
      series = new DurationSeries({ gateway, event }, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    values: ExportedValue[];
    aggregator: 'sum';
  }> {
    const values: ExportedValue[] = [];
    const bucket = `${DURATION}_bucket`;
    for (const { labels, counts, sum, count } of this.series.values()) {
      if (count === 0) continue;
      let cumulative = 0;
      for (const [i, bound] of this.bounds.entries()) {
        cumulative += counts[i];
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: bucket });
      }
      values.push(
        { labels: { le: '+Inf', ...labels }, value: count, metricName: bucket },
        { labels: { ...labels }, value: sum, metricName: `${DURATION}_sum` },
        { labels: { ...labels }, value: count, metricName: `${DURATION}_count` },
      );
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, values, aggregator });
  }

  /** `registry.resetMetrics()`: every series starts again from zero. */
  reset(): void {
    for (const series of this.series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}

function createShared(client: PromClient, options: MetricsOptions): Shared {
  const registers = [options.registry];
  const gateways = new Set<GatewayMetrics>();
  const adapters = new Set<{ stats(): AdapterStats }>();
  const durations = new HandlerDurations([...(options.buckets ?? DEFAULT_BUCKETS)]);
  // Read through the registry like any metric; it has prom-client's shape, not its class.
  const durationMetric = durations as unknown as Histogram;
  options.registry.registerMetric(durationMetric);
  const adapterFrames = new client.Counter({
    name: 'fwg_adapter_frames_total',
    help: 'Frames through the cross-process adapter: published, received, replayed, dropped',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const totals = { published: 0, received: 0, replayed: 0, dropped: 0 };
      for (const source of adapters) {
        const stats = source.stats();
        for (const kind of Object.keys(totals) as (keyof AdapterStats)[])
          totals[kind] += stats[kind];
      }
      this.reset();
      for (const [kind, value] of Object.entries(totals)) this.inc({ kind }, value);
    },
  });
  const connections = new client.Gauge({
    name: 'fwg_connections',
    help: 'Open WebSocket connections, by gateway',
    labelNames: ['gateway'] as const,
    registers,
  });
  const messages = new client.Counter({
    name: 'fwg_messages_total',
    help: 'Client messages by gateway, event and outcome (ok or the error code sent)',
    labelNames: ['gateway', 'event', 'outcome'] as const,
    registers,
    collect() {
      for (const gateway of gateways) gateway.flush();
    },
  });
  const closes = new client.Counter({
    name: 'fwg_closes_total',
    help: 'Closed connections by gateway and close code',
    labelNames: ['gateway', 'code'] as const,
    registers,
  });
  const instruments = new Map<string, Metric>([
    ['fwg_connections', connections],
    ['fwg_messages_total', messages],
    ['fwg_closes_total', closes],
    ['fwg_adapter_frames_total', adapterFrames],
    [DURATION, durationMetric],
  ]);
  return { connections, messages, durations, closes, gateways, adapters, instruments };
}

/** A registry that was cleared (`registry.clear()`) since: our instruments go back in. */
function reregister(registry: Registry, shared: Shared): void {
  for (const [name, metric] of shared.instruments) {
    if (registry.getSingleMetric(name) !== metric) registry.registerMetric(metric);
  }
}

/** A close code as a label: the protocol's own codes as is, application ranges grouped. */
export function closeCodeLabel(code: number): string {
  if (code >= 1000 && code <= 1015) return String(code);
  if (code >= 3000 && code <= 3999) return '3xxx';
  if (code >= 4000 && code <= 4999) return '4xxx';
  return 'other';
}

/** The figures of one declared event: ok messages not yet handed to the counter, durations. */
interface EventFigures {
  ok: number;
  readonly durations: DurationSeries;
}

/** One gateway's metrics; its hot-path figures are plain numbers, one record per declared event. */
export class GatewayMetrics {
  private readonly events = new Map<string, EventFigures>();
  private readonly userCodes = new Set<string>();
  private readonly gauge: { inc(): void; dec(): void };

  constructor(
    private readonly shared: Shared,
    private readonly gateway: string,
    events: Iterable<string>,
    private readonly builtInCodes: ReadonlySet<string>,
  ) {
    for (const event of events) {
      this.events.set(event, { ok: 0, durations: shared.durations.of(gateway, event) });
    }
    this.gauge = shared.connections.labels(gateway);
  }

  /** A handled message: its one frame went out after `seconds`. */
  handled(event: string, outcome: string, seconds: number): void {
    // Only declared events reach a handler, and each has its record.
    const figures = this.events.get(event) as EventFigures;
    figures.durations.observe(seconds);
    if (outcome === 'ok') figures.ok++;
    else this.shared.messages.inc({ gateway: this.gateway, event, outcome: this.code(outcome) });
  }

  /** A frame answered before a handler: its event is not trusted as a label. */
  refused(code: string): void {
    this.shared.messages.inc({ gateway: this.gateway, event: NO_EVENT, outcome: code });
  }

  opened(): void {
    this.gauge.inc();
  }

  closed(code: number): void {
    this.gauge.dec();
    this.shared.closes.inc({ gateway: this.gateway, code: closeCodeLabel(code) });
  }

  /** Hands the ok counts gathered since the last collection to the messages counter. */
  flush(): void {
    for (const [event, figures] of this.events) {
      if (figures.ok === 0) continue;
      this.shared.messages.inc({ gateway: this.gateway, event, outcome: 'ok' }, figures.ok);
      figures.ok = 0;
    }
  }

  private code(code: string): string {
    if (this.builtInCodes.has(code) || this.userCodes.has(code)) return code;
    if (this.userCodes.size >= MAX_USER_CODES) return 'other';
    this.userCodes.add(code);
    return code;
  }
}

/** The metrics of one app: one `GatewayMetrics` per gateway, plus the adapter's counters. */
export interface AppMetrics {
  forGateway(name: string, events: Iterable<string>, codes: ReadonlySet<string>): GatewayMetrics;
  /** Counts `adapter`'s frames while the app runs (when it keeps `stats()`). */
  watchAdapter(adapter: GatewayAdapter): void;
  /** On app close: hands over what is pending and stops reading this app's gateways and adapter. */
  close(): void;
}

export function createMetrics(options: MetricsOptions): AppMetrics {
  // First: without prom-client installed, what to install is the useful answer.
  const client = loadPromClient();
  const { registry: given, buckets } = (options ?? {}) as Partial<MetricsOptions>;
  // Anything without a Registry's methods would fail inside prom-client, with its own TypeError.
  if (typeof given?.registerMetric !== 'function' || typeof given.getSingleMetric !== 'function') {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap() metrics',
      'pass { registry }, a prom-client Registry',
    );
  }
  if (buckets !== undefined && !(Array.isArray(buckets) && buckets.every(Number.isFinite))) {
    throw Errors.INVALID_ARGUMENT('bootstrap() metrics', 'buckets must be an array of numbers');
  }
  const { registry } = options;
  let shared = sharedByRegistry.get(registry);
  if (shared === undefined) {
    shared = createShared(client, options);
    sharedByRegistry.set(registry, shared);
  } else reregister(registry, shared);
  const { gateways, adapters } = shared;
  const mine: GatewayMetrics[] = [];
  let adapterEntry: { stats(): AdapterStats } | undefined;
  return {
    forGateway: (name, events, codes) => {
      const gateway = new GatewayMetrics(shared, name, events, codes);
      gateways.add(gateway);
      mine.push(gateway);
      return gateway;
    },
    watchAdapter: (adapter) => {
      const source = adapter as Partial<{ stats(): AdapterStats }>;
      if (typeof source.stats !== 'function') return;
      const stats = source.stats;
      adapterEntry = { stats: () => stats.call(adapter) };
      adapters.add(adapterEntry);
    },
    close: () => {
      for (const gateway of mine) {
        gateway.flush();
        gateways.delete(gateway);
      }
      if (adapterEntry !== undefined) adapters.delete(adapterEntry);
    },
  };
}
