import type { CompiledHandler } from './compiled-handler';

/** What a session offers an observer: the trace context of its upgrade request, if any. */
export interface ObservedSession {
  readonly traceContext: unknown;
}

/**
 * Watches one gateway's traffic for metrics and tracing. The runtime has none unless metrics
 * or tracing are on, so an unobserved message costs one `undefined` check.
 */
export interface MessageObserver {
  /** A message reaches its pipeline; the return value is handed back to `end`. */
  begin(session: ObservedSession, handler: CompiledHandler, event: string): unknown;
  /** Its one frame was sent: `outcome` is `ok` or the error code. */
  end(probe: unknown, outcome: string): void;
  /** A frame answered before any handler (`bad_frame`, `unknown_event`, `rate_limited`). */
  refused(code: string): void;
  opened(): void;
  closed(code: number): void;
}
