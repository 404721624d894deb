import Fastify, { type FastifyInstance } from 'fastify';
import { IsString } from 'class-validator';
import { Registry } from 'prom-client';
import {
  Gateway,
  MemoryAdapter,
  OnMessage,
  WsException,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';

class SayDto {
  @IsString() text!: string;
}

@Gateway('/metered')
class MeteredGateway {
  @OnMessage('say') say(body: SayDto) {
    return body.text;
  }
  @OnMessage('slow') async slow() {
    await new Promise((resolve) => setImmediate(resolve));
    return 'done';
  }
  @OnMessage('fail') fail(body: { code: string }) {
    throw new WsException(body.code);
  }
  @OnMessage('crash') crash() {
    throw new Error('bug');
  }
  @OnMessage('kick') kick(_body: unknown, conn: Connection) {
    conn.close(4321, 'kicked');
  }
}

class CountingAdapter extends MemoryAdapter {
  stats() {
    return { published: 3, received: 2, replayed: 1, dropped: 0 };
  }
}

async function value(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = (metric?.values ?? []).find(
    (v) =>
      (v as { metricName?: string }).metricName !== `${name}_bucket` &&
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value;
}

describe('metrics with a real prom-client Registry', () => {
  let app: FastifyInstance;
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    app = Fastify();
    await bootstrap(app, [MeteredGateway], {
      metrics: { registry },
      adapter: new CountingAdapter(),
    });
  });
  afterEach(() => app.close());

  it('counts messages by gateway, event and outcome, and times handlers', async () => {
    const client = await connectGateway(app, '/metered');
    await client.request('say', { text: 'a' });
    await client.request('slow', {});
    await expect(client.request('say', { text: 1 })).rejects.toThrow();
    await expect(client.request('crash', {})).rejects.toThrow();
    await expect(client.request('fail', { code: 'room_full' })).rejects.toThrow();
    const gateway = 'MeteredGateway';
    expect(await value(registry, 'fwg_messages_total', { event: 'say', outcome: 'ok' })).toBe(1);
    expect(await value(registry, 'fwg_messages_total', { event: 'slow', outcome: 'ok' })).toBe(1);
    expect(
      await value(registry, 'fwg_messages_total', { event: 'say', outcome: 'validation_failed' }),
    ).toBe(1);
    expect(
      await value(registry, 'fwg_messages_total', { event: 'crash', outcome: 'internal_error' }),
    ).toBe(1);
    expect(
      await value(registry, 'fwg_messages_total', { gateway, event: 'fail', outcome: 'room_full' }),
    ).toBe(1);
    const text = await registry.metrics();
    expect(text).toMatch(
      /fwg_handler_duration_seconds_count\{gateway="MeteredGateway",event="say"\} 2/,
    );
    expect(text).toMatch(
      /fwg_handler_duration_seconds_count\{gateway="MeteredGateway",event="slow"\} 1/,
    );
    await client.close();
  });

  it('never makes a label from what a client sends: unknown events and bad frames count under "*"', async () => {
    const url = await listen(app);
    const client = await TestClient.open(`${url}/metered`);
    await client.request('random-event-1234', {}, 1);
    client.send('not json');
    await client.next((frame) => frame.event === 'error' && frame.id === undefined);
    expect(
      await value(registry, 'fwg_messages_total', { event: '*', outcome: 'unknown_event' }),
    ).toBe(1);
    expect(await value(registry, 'fwg_messages_total', { event: '*', outcome: 'bad_frame' })).toBe(
      1,
    );
    expect(await registry.metrics()).not.toContain('random-event-1234');
    await client.close();
  });

  it('caps distinct user error codes', async () => {
    const client = await connectGateway(app, '/metered');
    for (let i = 0; i < 60; i++) {
      await expect(client.request('fail', { code: `code_${i}` })).rejects.toThrow();
    }
    await expect(client.request('fail', { code: 'code_0' })).rejects.toThrow();
    expect(await value(registry, 'fwg_messages_total', { outcome: 'code_0' })).toBe(2);
    expect(await value(registry, 'fwg_messages_total', { outcome: 'code_49' })).toBe(1);
    expect(await value(registry, 'fwg_messages_total', { outcome: 'other' })).toBe(10);
    expect(await registry.metrics()).not.toContain('code_50');
    await client.close();
  });

  it('tracks open connections and closes by code, application codes grouped', async () => {
    const first = await connectGateway(app, '/metered');
    const second = await connectGateway(app, '/metered');
    expect(await value(registry, 'fwg_connections', { gateway: 'MeteredGateway' })).toBe(2);
    await first.close();
    await second.close(3001);
    const url = await listen(app);
    const raw = await TestClient.open(`${url}/metered`);
    raw.send({ event: 'kick', data: {} });
    expect((await raw.closed).code).toBe(4321);
    const read = async () => ({
      open: await value(registry, 'fwg_connections', { gateway: 'MeteredGateway' }),
      normal: await value(registry, 'fwg_closes_total', { code: '1000' }),
      app4: await value(registry, 'fwg_closes_total', { code: '4xxx' }),
      app3: await value(registry, 'fwg_closes_total', { code: '3xxx' }),
    });
    // The server sees each close a moment after the client does: wait for the counts to land.
    let seen = await read();
    for (let turn = 0; turn < 5000 && seen.open !== 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      seen = await read();
    }
    expect(seen).toEqual({ open: 0, normal: 1, app4: 1, app3: 1 });
  });

  it("reads the adapter's counters", async () => {
    await app.ready();
    expect(await value(registry, 'fwg_adapter_frames_total', { kind: 'published' })).toBe(3);
    expect(await value(registry, 'fwg_adapter_frames_total', { kind: 'replayed' })).toBe(1);
  });

  it('lets a second app use the same registry', async () => {
    const other = Fastify();
    await bootstrap(other, [MeteredGateway], { metrics: { registry } });
    const client = await connectGateway(other, '/metered');
    await client.request('say', { text: 'b' });
    expect(await value(registry, 'fwg_messages_total', { event: 'say', outcome: 'ok' })).toBe(1);
    await client.close();
    await other.close();
  });

  it('keeps the counts of an app that closed, and reads them once', async () => {
    const other = Fastify();
    await bootstrap(other, [MeteredGateway], { metrics: { registry } });
    const client = await connectGateway(other, '/metered');
    await client.request('say', { text: 'b' });
    await client.request('say', { text: 'c' });
    await client.close();
    await other.close();
    const ok = { gateway: 'MeteredGateway', event: 'say', outcome: 'ok' };
    expect(await value(registry, 'fwg_messages_total', ok)).toBe(2);
    expect(await value(registry, 'fwg_messages_total', ok)).toBe(2);
  });

  it('puts its metrics back into a registry that was cleared', async () => {
    registry.clear();
    const other = Fastify();
    await bootstrap(other, [MeteredGateway], { metrics: { registry } });
    const client = await connectGateway(other, '/metered');
    await client.request('say', { text: 'b' });
    expect(await value(registry, 'fwg_messages_total', { event: 'say', outcome: 'ok' })).toBe(1);
    expect(await registry.metrics()).toMatch(
      /fwg_handler_duration_seconds_count\{gateway="MeteredGateway",event="say"\} 1/,
    );
    await client.close();
    await other.close();
  });

  it('refuses metrics without a registry', async () => {
    await expect(bootstrap(Fastify(), [MeteredGateway], { metrics: {} as never })).rejects.toThrow(
      'bootstrap() metrics: pass { registry }, a prom-client Registry',
    );
  });
});
