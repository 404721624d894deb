import NodeWebSocket from 'ws';
import {
  STABLE_CONNECTION_MS,
  connect,
  isWsClientError,
  WsClientError,
  type WsClient,
} from 'fastify-ws-gateway/client';
import type { ListenData, ListenEvent, UntypedEvents } from 'fastify-ws-gateway/client/types';
import { ProtocolServer } from './protocol-server';

type Client = WsClient<UntypedEvents>;

/** Resolves with the data of the next `event` the client emits. */
function nextEvent<K extends ListenEvent<UntypedEvents>>(
  client: Client,
  event: K,
): Promise<ListenData<UntypedEvents, K>> {
  return new Promise((resolve) => {
    const off = client.on(event, (data) => {
      off();
      resolve(data);
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<WsClientError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to reject');
    },
    (error: unknown) => error,
  );
  expect(isWsClientError(error)).toBe(true);
  return error as WsClientError;
}

const fastReconnect = { initialDelayMs: 5, maxDelayMs: 20, factor: 2 };

describe('connect() against a protocol server', () => {
  let server: ProtocolServer;
  const clients: Client[] = [];
  const open = (options: Parameters<typeof connect>[1] = {}): Client => {
    const client = connect(server.url('/chat/a'), { reconnect: fastReconnect, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(() => {
    server = new ProtocolServer();
    return server.start();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await server.stop();
  });

  test('request resolves with the reply data, even when sent before the socket opened', async () => {
    const client = open();
    expect(client.state).toBe('connecting');
    await expect(client.request('echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
    expect(client.state).toBe('open');
    expect(server.received).toEqual([
      { event: 'echo', data: { text: 'hi' }, id: expect.any(Number) },
    ]);
  });

  test('concurrent requests get the reply carrying their own id, whatever the order', async () => {
    const client = open();
    const slow = client.request('slow-echo', { n: 1 });
    const fast = client.request('echo', { n: 2 });
    await expect(Promise.all([slow, fast])).resolves.toEqual([{ n: 1 }, { n: 2 }]);
    const ids = server.received.map((frame) => frame.id);
    expect(new Set(ids).size).toBe(2);
  });

  test('an error frame with the request id rejects with its code, message and details', async () => {
    const client = open();
    const error = await rejection(client.request('fail', { text: '' }));
    expect(error).toBeInstanceOf(WsClientError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      message: 'Message body failed validation',
      details: [{ path: 'text' }],
    });
    await expect(client.request('echo', 1)).resolves.toBe(1);
  });

  test('a request without reply rejects with "timeout" after requestTimeoutMs', async () => {
    const client = open({ requestTimeoutMs: 30 });
    const error = await rejection(client.request('silent', {}));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('"silent"');
    // Still usable; checked without a request, whose 30 ms budget a busy machine could exceed.
    const said = nextEvent(client, 'said');
    client.emit('push', { event: 'said', data: 'still usable' });
    await expect(said).resolves.toBe('still usable');
  });

  test('emit sends a frame without id and needs no reply', async () => {
    const client = open();
    expect(client.emit('typing', { on: true })).toBe(true);
    await client.request('echo', null);
    expect(server.received[0]).toEqual({ event: 'typing', data: { on: true } });
  });

  test('pushes reach "on" listeners until "off"; error frames without id become "error" events', async () => {
    const client = open();
    const said: unknown[] = [];
    const listener = (data: unknown): void => void said.push(data);
    client.on('said', listener);
    await client.request('push', { event: 'said', data: { text: 'one' } });
    client.off('said', listener);
    await client.request('push', { event: 'said', data: { text: 'two' } });
    expect(said).toEqual([{ text: 'one' }]);

    const error = nextEvent(client, 'error');
    client.emit('shout-error');
    await expect(error).resolves.toMatchObject({
      code: 'rate_limited',
      message: 'Too many messages',
    });
  });

  test('a push named like a state event is not delivered as one', async () => {
    const client = open();
    const closes: unknown[] = [];
    client.on('close', (info) => closes.push(info));
    await client.request('push', { event: 'close', data: { code: 1 } });
    expect(closes).toEqual([]);
  });

  test('a listener that throws does not stop the other listeners', async () => {
    const client = open();
    const thrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      jest.spyOn(globalThis, 'queueMicrotask').mockImplementationOnce((task) =>
        original(() => {
          try {
            task();
          } catch (error) {
            resolve(error);
          }
        }),
      );
    });
    const seen: unknown[] = [];
    client.on('said', () => {
      throw new Error('listener bug');
    });
    client.on('said', (data) => seen.push(data));
    await client.request('push', { event: 'said', data: 'x' });
    expect(seen).toEqual(['x']);
    await expect(thrown).resolves.toMatchObject({ message: 'listener bug' });
  });

  test('frames beyond maxQueuedFrames are refused with "not_connected" while connecting', async () => {
    const client = open({ maxQueuedFrames: 1 });
    const first = client.request('echo', 1);
    const error = await rejection(client.request('echo', 2));
    expect(error.code).toBe('not_connected');
    expect(client.emit('typing')).toBe(false);
    await expect(first).resolves.toBe(1);
  });

  test('a request that timed out while queued is not sent later', async () => {
    await server.stop();
    const client = open({ requestTimeoutMs: 20 });
    const reconnecting = nextEvent(client, 'reconnecting');
    expect((await rejection(client.request('echo', 'late'))).code).toBe('timeout');
    await reconnecting;
    const opened = nextEvent(client, 'open');
    await server.start();
    await opened;
    const first = server.nextFrame();
    client.emit('marker');
    await expect(first).resolves.toEqual({ event: 'marker' });
    expect(server.received).toEqual([{ event: 'marker' }]);
  });

  test('the backoff starts over only after a connection stayed open STABLE_CONNECTION_MS', async () => {
    const client = open();
    await nextEvent(client, 'open');
    const attempts: number[] = [];
    client.on('reconnecting', ({ attempt }) => attempts.push(attempt));
    const dropAndReopen = async () => {
      const reconnecting = nextEvent(client, 'reconnecting');
      await server.stop(1012);
      await reconnecting;
      const reopened = nextEvent(client, 'open');
      await server.start();
      await reopened;
    };
    await dropAndReopen(); // attempt 1
    await dropAndReopen(); // open only briefly: attempt 2
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + STABLE_CONNECTION_MS);
    await dropAndReopen(); // stayed open long enough: attempt 1 again
    expect(attempts).toEqual([1, 2, 1]);
  });

  test('reconnects after the server restarts on the same port, with backoff events', async () => {
    const client = open();
    await nextEvent(client, 'open');
    const port = server.port;
    const closed = nextEvent(client, 'close');
    const reconnecting = nextEvent(client, 'reconnecting');
    await server.stop(1012);
    await expect(closed).resolves.toEqual({
      code: 1012,
      reason: 'server stopping',
      willReconnect: true,
    });
    const { attempt, delayMs } = await reconnecting;
    expect(attempt).toBe(1);
    expect(delayMs).toBeGreaterThanOrEqual(fastReconnect.initialDelayMs / 2);
    expect(delayMs).toBeLessThanOrEqual(fastReconnect.initialDelayMs);
    expect(client.state).toBe('reconnecting');

    const reopened = nextEvent(client, 'open');
    await server.start();
    expect(server.port).toBe(port);
    await reopened;
    await expect(client.request('echo', 'back')).resolves.toBe('back');
    expect(server.connections).toBe(2);
  });

  test('a request in flight when the connection drops rejects with "not_connected"', async () => {
    const client = open();
    const pending = client.request('silent', {});
    await server.waitForConnections(1);
    await client.request('echo', 'sent');
    await server.stop();
    const error = await rejection(pending);
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('before the reply to "silent"');
  });

  test.each([1000, 1008, 1009, 4000, 4999])(
    'close code %i from the server is final: no reconnect, requests fail at once',
    async (code) => {
      const client = open();
      const reconnecting = jest.fn();
      client.on('reconnecting', reconnecting);
      const closed = nextEvent(client, 'close');
      client.emit('kick', { code });
      await expect(closed).resolves.toEqual({ code, reason: 'kicked', willReconnect: false });
      expect(client.state).toBe('closed');
      expect((await rejection(client.request('echo', 1))).code).toBe('not_connected');
      expect(client.emit('echo')).toBe(false);
      expect(reconnecting).not.toHaveBeenCalled();
      expect(server.connections).toBe(1);
    },
  );

  test.each([1001, 1011, 1013])(
    'close code %i from the server is followed by a reconnect',
    async (code) => {
      const client = open();
      const reconnected = new Promise<void>((resolve) =>
        client.on('open', () => server.connections === 2 && resolve()),
      );
      client.emit('kick', { code });
      await reconnected;
      expect(client.state).toBe('open');
    },
  );

  test('without reconnect, a dropped connection is final', async () => {
    const client = open({ reconnect: false });
    await nextEvent(client, 'open');
    const closed = nextEvent(client, 'close');
    await server.stop();
    await expect(closed).resolves.toMatchObject({ code: 1006, willReconnect: false });
    expect(client.state).toBe('closed');
  });

  test('client.close() stops for good and rejects what waits', async () => {
    const client = open();
    const pending = rejection(client.request('silent', {}));
    await client.request('echo', 1);
    const closed = nextEvent(client, 'close');
    await client.close(1000, 'bye');
    await expect(closed).resolves.toMatchObject({ code: 1000, willReconnect: false });
    expect((await pending).code).toBe('not_connected');
    expect((await rejection(client.request('echo', 1))).code).toBe('not_connected');
    expect(client.state).toBe('closed');
  });

  test('client.close() while reconnecting cancels the reconnect', async () => {
    const client = open({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await nextEvent(client, 'open');
    const reconnecting = nextEvent(client, 'reconnecting');
    await server.stop();
    await reconnecting;
    const queued = rejection(client.request('echo', 2));
    await client.close();
    expect(client.state).toBe('closed');
    expect((await queued).code).toBe('not_connected');
  });

  test('a reconnect attempt whose WebSocket constructor throws counts as a failed attempt', async () => {
    let constructed = 0;
    class FlakyWebSocket extends NodeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        if (++constructed === 2) throw new Error('no network');
        super(url, protocols);
      }
    }
    const client = open({ WebSocket: FlakyWebSocket });
    await nextEvent(client, 'open');
    const events: unknown[] = [];
    client.on('close', (info) => events.push(info));
    client.on('reconnecting', ({ attempt }) => events.push({ attempt }));
    const reopened = nextEvent(client, 'open');
    client.emit('kick', { code: 1012 });
    await reopened;
    expect(events).toEqual([
      { code: 1012, reason: 'kicked', willReconnect: true },
      { attempt: 1 },
      { code: 1006, reason: 'Error: no network', willReconnect: true },
      { attempt: 2 },
    ]);
    expect(constructed).toBe(3);
  });

  test('an unreadable server frame is reported as an "unreadable_frame" error event', async () => {
    const client = open();
    const error = nextEvent(client, 'error');
    await client.request('push', { event: 42, data: null });
    await expect(error).resolves.toMatchObject({ code: 'unreadable_frame' });
  });

  test('options are checked when connect() is called', () => {
    expect(() => connect(server.url(), { requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
    expect(() => connect(server.url(), { maxQueuedFrames: -1 })).toThrow(/maxQueuedFrames/);
    expect(() => connect(server.url(), { reconnect: { factor: 0.5 } })).toThrow(/reconnect.factor/);
    expect(() => connect('not a url')).toThrow();
  });
});
