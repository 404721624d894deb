/**
 * OpenTelemetry spans with @opentelemetry/api, an optional peer. The API keeps its registered
 * globals under a well-known symbol; we load the package only when a tracer provider is
 * registered there, so an app without tracing never requires it.
 */
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';

type OtelApi = typeof import('@opentelemetry/api');

// The API's own global registry key (`opentelemetry.js.api.<major>`), set by
// `trace.setGlobalTracerProvider()` / an SDK's `register()`.
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** Message tracing for one app; `undefined` from `loadTracing` when nothing is registered. */
export interface Tracing {
  /** The upgrade request's context: its `traceparent`, else whatever is active now. */
  extract(headers: IncomingHttpHeaders): Context;
  start(name: string, event: string, gateway: string, parent: unknown): Span;
  end(span: Span, outcome: string): void;
}

/** Tracing when a tracer provider is registered (and `enabled` is not false), else `undefined`. */
export function loadTracing(
  enabled: boolean | undefined,
  load: () => OtelApi = loadApi,
): Tracing | undefined {
  if (enabled === false) return undefined;
  const registered = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[OTEL_GLOBAL];
  if (registered?.trace === undefined) return undefined;
  const api = load();
  const tracer: Tracer = api.trace.getTracer('fastify-ws-gateway');
  const { context, propagation, SpanKind, SpanStatusCode } = api;
  return {
    extract: (headers) => propagation.extract(context.active(), headers),
    start: (name, event, gateway, parent) =>
      tracer.startSpan(
        name,
        {
          kind: SpanKind.SERVER,
          attributes: { 'fwg.gateway': gateway, 'fwg.event': event },
        },
        parent as Context,
      ),
    end: (span, outcome) => {
      span.setAttribute('fwg.outcome', outcome);
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
  };
}

function loadApi(): OtelApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@opentelemetry/api') as OtelApi;
}
