import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { Gateway, MessageBody, OnMessage, WsException, bootstrap } from '../../src';
import { until } from '../support/waiting';
import { recordFigures } from './support/figures';

@Gateway('/metered', { limits: { ratePerSecond: Infinity, maxPayload: 4096 } })
class MeteredGateway {
  @OnMessage('ok')
  ok(): string {
    return 'ok';
  }

  @OnMessage('boom')
  boom(): never {
    throw new Error('handler bug');
  }

  /** The client chooses the error code: a label an attacker controls. */
  @OnMessage('coded')
  coded(@MessageBody() code: string): never {
    throw new WsException(String(code), 'chosen by the client');
  }

  @OnMessage('async-coded')
  async asyncCoded(@MessageBody() code: string): Promise<never> {
    throw new WsException(String(code), 'chosen by the client');
  }
}

/** How many time series the registry exposes, over every metric. */
async function seriesCount(registry: Registry): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.reduce((sum, metric) => sum + metric.values.length, 0);
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/** One hostile frame: random events, codes, ids, shapes. */
function hostileFrame(i: number): string | Buffer {
  switch (i % 9) {
    case 0:
      return JSON.stringify({ event: random(12), data: 1 });
    case 1:
      return JSON.stringify({ event: 'coded', data: random(8), id: i });
    case 2:
      return JSON.stringify({ event: 'async-coded', data: random(8), id: random(4) });
    case 3:
      return '{"event":' + random(6);
    case 4:
      return randomBytes(32);
    case 5:
      return JSON.stringify({ event: 'boom', id: i });
    case 6:
      return JSON.stringify({ event: ['ok'], data: null, id: { x: 1 } });
    case 7:
      return JSON.stringify({ event: `__proto__${random(3)}`, id: -i });
    default:
      return JSON.stringify({ event: 'ok', id: i });
  }
}

describe('metrics under a client that cycles through random events and errors', () => {
  let app: FastifyInstance;
  let url: string;
  const registry = new Registry();

  beforeAll(async () => {
    app = Fastify();
    await bootstrap(app, [MeteredGateway], { metrics: { registry } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/metered`;
  });

  afterAll(() => app.close());

  /** Sends `count` hostile frames on one socket, then waits for the answer to a sentinel. */
  async function attack(from: number, count: number, code: number): Promise<void> {
    const socket = new WebSocket(url);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('open', resolve));
    let answered = false;
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { id?: unknown }).id === 'sentinel') answered = true;
    });
    for (let i = from; i < from + count; i++) socket.send(hostileFrame(i));
    socket.send(JSON.stringify({ event: 'ok', id: 'sentinel' }));
    await until(() => answered, 1_000_000);
    // Closes with an application code of its own choice, recorded as a label.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.close(code);
    await closed;
  }

  it('thousands of random event names and error codes do not add series after the first few', async () => {
    // Warm-up: every kind of outcome once, and more than the 50 user codes counted by name.
    await attack(0, 600, 3000);
    await attack(600, 9, 4999);
    const warm = await seriesCount(registry);
    for (let round = 1; round <= 5; round++) {
      await attack(round * 1000, 900, 3000 + Math.floor(Math.random() * 2000));
    }
    const after = await seriesCount(registry);
    expect(after).toBe(warm);
    const text = await registry.metrics();
    // No label value came from the attacker but the 50 user codes counted by name.
    const events = new Set([...text.matchAll(/event="([^"]*)"/g)].map((match) => match[1]));
    expect([...events].sort()).toEqual(['*', 'async-coded', 'boom', 'coded', 'ok'].sort());
    const outcomes = new Set([...text.matchAll(/outcome="([^"]*)"/g)].map((match) => match[1]));
    expect(outcomes.size).toBeLessThanOrEqual(50 + 20);
    expect(outcomes).toContain('other');
    const codes = new Set([...text.matchAll(/code="([^"]*)"/g)].map((match) => match[1]));
    expect([...codes].every((code) => /^(1\d{3}|3xxx|4xxx|other)$/.test(code))).toBe(true);
    recordFigures(__filename, {
      frames: 600 + 5 * 900,
      tried: [
        `${600 + 5 * 900} random events/codes/garbage frames: ${after} series, flat after warm-up`,
      ],
    });
  });
});
