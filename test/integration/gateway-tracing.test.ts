import Fastify, { type FastifyInstance } from 'fastify';
import { propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Gateway, OnMessage, WsException, bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';

const exporter = new InMemorySpanExporter();
// Each Jest test file has its own globals, so this registration stays in this file.
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

@Gateway('/traced/:room')
class TracedGateway {
  @OnMessage('say') say() {
    return 'ok';
  }
  @OnMessage('fail') async fail() {
    throw new WsException('room_full');
  }
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

describe('tracing with OpenTelemetry', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
    exporter.reset();
  });

  it('records one span per handled message, named by gateway path and event, with the outcome', async () => {
    app = Fastify();
    await bootstrap(app, [TracedGateway]);
    const client = await connectGateway(app, '/traced/a');
    await client.request('say', {});
    await expect(client.request('fail', {})).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['/traced/:room say', '/traced/:room fail']);
    expect(spans[0].attributes).toEqual({
      'fwg.gateway': 'TracedGateway',
      'fwg.event': 'say',
      'fwg.outcome': 'ok',
    });
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[1].attributes['fwg.outcome']).toBe('room_full');
    expect(spans[1].status).toEqual({ code: SpanStatusCode.ERROR, message: 'room_full' });
    expect(spans[0].parentSpanContext).toBeUndefined();
    await client.close();
  });

  it("makes each message's span a child of the upgrade request's trace context", async () => {
    app = Fastify();
    await bootstrap(app, [TracedGateway]);
    const client = await connectGateway(app, '/traced/a', {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
    await client.request('say', {});
    await client.request('say', {});
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
    }
    await client.close();
  });

  it('records nothing with tracing: false', async () => {
    app = Fastify();
    await bootstrap(app, [TracedGateway], { tracing: false });
    const client = await connectGateway(app, '/traced/a');
    await client.request('say', {});
    expect(exporter.getFinishedSpans()).toEqual([]);
    await client.close();
  });
});
