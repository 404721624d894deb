import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { Gateway, OnClose, OnMessage, bootstrap, type GatewayAdapter } from 'fastify-ws-gateway';
import { WIRE_ERROR_MESSAGES } from '../../src/errors';
import fastifyWebsocket from 'fastify-ws-gateway/websocket';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { fakeOnly } from '../support/fake-timers';
import { deferred, until } from '../support/waiting';

/** The longest delay a Node timer honours; a drain given Infinity waits this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves once `app.close()` has begun the gateways' drain: drain hooks are all started in
 * one pass, so by the time this one runs the gateway's has started too.
 */
function drainStarted(app: FastifyInstance): Promise<void> {
  const started = deferred();
  fastifyWebsocket.addDrainHook(app, async () => started.resolve());
  return started.promise;
}

describe('graceful shutdown', () => {
  afterEach(() => jest.useRealTimers());

  it('lets in-flight handlers finish and flush their replies, then closes every client with 1001', async () => {
    const gate = deferred();
    const started = jest.fn();
    const closes: number[] = [];
    const links = { opened: [] as string[], closed: 0 };
    const adapter: GatewayAdapter = {
      open(channel) {
        links.opened.push(channel.path);
        return { publish: () => {}, close: async () => void links.closed++ };
      },
    };
    @Gateway('/work')
    class WorkGateway {
      @OnMessage('work') async work(n: number) {
        started(n);
        await gate.promise;
        return n * 2;
      }
      @OnClose() closed(_conn: unknown, code: number) {
        closes.push(code);
      }
    }
    const app = Fastify();
    await bootstrap(app, [WorkGateway], { adapter });
    const draining = drainStarted(app);
    const base = await listen(app);
    expect(links.opened).toEqual(['/work']);
    const busy = await TestClient.open(`${base}/work`);
    const idle = await TestClient.open(`${base}/work`);
    busy.send({ event: 'work', data: 21, id: 1 });
    await until(() => started.mock.calls.length === 1);
    const closing = app.close();
    await draining;
    // Requests arriving during the drain are not handled: each gets `unavailable`, at once.
    busy.send({ event: 'work', data: 5, id: 2 });
    busy.send({ event: 'work', data: 6 });
    await expect(busy.reply(2)).resolves.toEqual({
      event: 'error',
      data: { code: 'unavailable', message: WIRE_ERROR_MESSAGES.unavailable },
      id: 2,
    });
    // The pongs prove no close frame went out before the in-flight reply.
    await Promise.all([busy.roundTrip(), idle.roundTrip()]);
    expect(started).toHaveBeenCalledTimes(1);
    expect(idle.socket.readyState).toBe(1);
    gate.resolve();
    await expect(busy.reply(1)).resolves.toEqual({ event: 'work', data: 42, id: 1 });
    await expect(busy.closed).resolves.toMatchObject({ code: 1001 });
    await expect(idle.closed).resolves.toMatchObject({ code: 1001 });
    await closing;
    expect(started).toHaveBeenCalledTimes(1);
    expect(busy.unread).toEqual([]);
    expect(links.closed).toBe(1);
    await until(() => closes.length === 2);
  });

  it('gives up waiting after drainTimeoutMs and logs how many handlers were still running', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const started = deferred();
    @Gateway('/stuck', { limits: { drainTimeoutMs: 50 } })
    class StuckGateway {
      @OnMessage('hang') hang() {
        started.resolve();
        return new Promise(() => {});
      }
    }
    const app = Fastify({ logger: { level: 'warn', stream } });
    await bootstrap(app, [StuckGateway]);
    const client = await TestClient.open(`${await listen(app)}/stuck`);
    client.send({ event: 'hang', id: 1 });
    await started.promise;
    await app.close();
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
    expect(lines.join('')).toContain('1 handler(s) still running after drainTimeoutMs (50 ms)');
  });

  it('finishes closing when an adapter fails to close, and logs it', async () => {
    const lines: string[] = [];
    const adapter: GatewayAdapter = {
      open: () => ({
        publish: () => {},
        close: async () => {
          throw new Error('unsubscribe failed');
        },
      }),
    };
    @Gateway('/adapter-close')
    class AdapterCloseGateway {}
    const app = Fastify({
      logger: { level: 'error', stream: { write: (l: string) => lines.push(l) } },
    });
    await bootstrap(app, [AdapterCloseGateway], { adapter });
    await app.ready();
    await expect(app.close()).resolves.toBeUndefined();
    expect(lines.join('')).toContain('AdapterCloseGateway: the adapter failed to close');
  });

  it('waits for in-flight handlers however long with drainTimeoutMs: Infinity', async () => {
    const gate = deferred();
    const started = deferred();
    @Gateway('/patient', { limits: { drainTimeoutMs: Infinity, connectTimeoutMs: 3e9 } })
    class PatientGateway {
      @OnMessage('slow') async slow() {
        started.resolve();
        await gate.promise;
        return 'done';
      }
    }
    // No plugin timeout: avvio's close timer would fire as the test moves the clock ahead.
    const app = Fastify({ pluginTimeout: 0 });
    await bootstrap(app, [PatientGateway]);
    const draining = drainStarted(app);
    const client = await TestClient.open(`${await listen(app)}/patient`);
    client.send({ event: 'slow', id: 1 });
    await started.promise;
    // Only timeouts are faked, so the drain's timer is ours to run; sockets keep real time.
    fakeOnly('setTimeout', 'clearTimeout');
    const closing = app.close();
    await draining;
    // A timer given Infinity would fire after 1 ms; the drain must still be waiting ~24 days on.
    jest.advanceTimersByTime(MAX_TIMER_MS - 1);
    // Had the drain ended, the 1001 close frame would have reached the client before the pong.
    await client.roundTrip();
    expect(client.socket.readyState).toBe(1);
    gate.resolve();
    await expect(client.reply(1)).resolves.toMatchObject({ data: 'done' });
    await closing;
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
  });
});
