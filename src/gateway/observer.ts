import type { IncomingHttpHeaders } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { GatewayMetrics } from './metrics';
import type { Tracing } from './tracing';

/** What a session offers an observer: the trace context of its upgrade request, if any. */
export interface ObservedSession {
  readonly traceContext: unknown;
}

interface TracedProbe {
  readonly start: number;
  readonly span: Span;
}

/**
 * Watches one gateway's traffic for metrics and tracing. The runtime has none unless metrics
 * or tracing are on, so an unobserved message costs one `undefined` check.
 */
export class MessageObserver {
  constructor(
    private readonly path: string,
    private readonly gateway: string,
    private readonly metrics: GatewayMetrics | undefined,
    private readonly tracing: Tracing | undefined,
  ) {}

  /** A connection opened; returns the trace context its messages' spans descend from. */
  opened(headers: IncomingHttpHeaders): unknown {
    this.metrics?.opened();
    return this.tracing?.extract(headers);
  }

  closed(code: number): void {
    this.metrics?.closed(code);
  }

  /** A message reaches its pipeline; the return value is handed back to `end`. */
  begin(session: ObservedSession, event: string): number | TracedProbe {
    const start = performance.now();
    if (this.tracing === undefined) return start;
    const name = `${this.path} ${event}`;
    return { start, span: this.tracing.start(name, event, this.gateway, session.traceContext) };
  }

  /** Its one frame was sent: `outcome` is `ok` or the error code. */
  end(probe: number | TracedProbe, event: string, outcome: string): void {
    const start = typeof probe === 'number' ? probe : probe.start;
    this.metrics?.handled(event, outcome, (performance.now() - start) / 1000);
    if (typeof probe !== 'number') this.tracing?.end(probe.span, outcome);
  }

  /** A frame answered before any handler (`bad_frame`, `unknown_event`, `rate_limited`). */
  refused(code: string): void {
    this.metrics?.refused(code);
  }
}
