/**
 * Admission of a gateway upgrade, all answered over HTTP before any socket exists: the Origin
 * default, the connection cap, the connect deadline that starts with the request, and
 * duplicate paths reported through Fastify's own route conflict.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import {
  ConnectedSocket,
  Gateway,
  OnClose,
  OnConnect,
  OnMessage,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { rawUpgradeAnswer } from '../adversarial/support/raw-socket';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { deferred, until } from '../support/waiting';

let app: FastifyInstance;
afterEach(() => app?.close());

@Gateway('/echo')
class EchoGateway {
  @OnMessage('echo') echo(body: unknown) {
    return body;
  }
}

function portOf(target: FastifyInstance): number {
  return (target.server.address() as AddressInfo).port;
}

describe('Origin, with no allowedOrigins: the request’s own host only', () => {
  let base: string;
  beforeEach(async () => {
    @Gateway('/public', { allowedOrigins: '*' })
    class PublicGateway {}
    @Gateway('/listed', { allowedOrigins: ['https://app.example'] })
    class ListedGateway {}
    app = Fastify();
    await bootstrap(app, [EchoGateway, PublicGateway, ListedGateway]);
    base = await listen(app);
  });

  it('accepts a page served by the same host, and a client that sends no Origin', async () => {
    const host = new URL(base).host;
    const same = await TestClient.open(`${base}/echo`, { origin: `http://${host}` });
    const none = await TestClient.open(`${base}/echo`);
    await Promise.all([same.close(), none.close()]);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['the same host name on another port', 'http://127.0.0.1:1'],
    ['an opaque origin (sandboxed page, file)', 'null'],
  ])('refuses %s with 403', async (_what, origin) => {
    await expect(TestClient.open(`${base}/echo`, { origin })).rejects.toThrow(
      'Unexpected server response: 403',
    );
  });

  it("compares hosts with the Origin's default port and case", async () => {
    const port = portOf(app);
    const answer = (headers: Record<string, string>) =>
      rawUpgradeAnswer(port, '/echo', headers).then((text) => text.split('\r\n')[0]);
    expect(await answer({ Host: 'chat.example', Origin: 'https://CHAT.example:443' })).toBe(
      'HTTP/1.1 101 Switching Protocols',
    );
    expect(await answer({ Host: 'chat.example:443', Origin: 'https://chat.example' })).toBe(
      'HTTP/1.1 101 Switching Protocols',
    );
    expect(await answer({ Origin: 'https://chat.example' })).toBe('HTTP/1.1 403 Forbidden');
  });

  it("allowedOrigins: '*' takes any origin; a list takes exactly its entries", async () => {
    const any = await TestClient.open(`${base}/public`, { origin: 'https://evil.example' });
    const listed = await TestClient.open(`${base}/listed`, { origin: 'https://app.example' });
    const host = new URL(base).host;
    await expect(TestClient.open(`${base}/listed`, { origin: `http://${host}` })).rejects.toThrow(
      'Unexpected server response: 403',
    );
    await Promise.all([any.close(), listed.close()]);
  });

  it("bootstrap's allowedOrigins: '*' applies to gateways without their own", async () => {
    const open = Fastify();
    await bootstrap(open, [EchoGateway], { allowedOrigins: '*' });
    const openBase = await listen(open);
    const client = await TestClient.open(`${openBase}/echo`, { origin: 'https://evil.example' });
    await client.close();
    await open.close();
  });
});

describe('maxConnections', () => {
  it('answers 503 past the cap, before any socket exists, and admits again once one left', async () => {
    const connects = jest.fn();
    let closes = 0;
    @Gateway('/capped', { limits: { maxConnections: 2 } })
    class CappedGateway {
      @OnConnect() joined() {
        connects();
      }
      @OnClose() left() {
        closes++;
      }
    }
    app = Fastify();
    await bootstrap(app, [CappedGateway, EchoGateway]);
    const base = await listen(app);
    const first = await TestClient.open(`${base}/capped`);
    const second = await TestClient.open(`${base}/capped`);
    await expect(TestClient.open(`${base}/capped`)).rejects.toThrow(
      'Unexpected server response: 503',
    );
    expect(connects).toHaveBeenCalledTimes(2);
    // Per gateway: another gateway of the same app is not affected.
    const echo = await TestClient.open(`${base}/echo`);
    await first.close();
    await until(() => closes === 1);
    const third = await TestClient.open(`${base}/capped`);
    expect(connects).toHaveBeenCalledTimes(3);
    await Promise.all([second.close(), third.close(), echo.close()]);
  });
});

describe('connectTimeoutMs runs from the upgrade request, hooks included', () => {
  it('a preValidation hook that never resolves: 503, the socket closed, an error logged', async () => {
    const lines: { level: number; msg: string }[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    @Gateway('/stuck', {
      limits: { connectTimeoutMs: 200 },
      hooks: { preValidation: () => new Promise<void>(() => {}) },
    })
    class StuckGateway {}
    app = Fastify({ logger: { level: 'error', stream } });
    await bootstrap(app, [StuckGateway]);
    await listen(app);
    const text = await rawUpgradeAnswer(portOf(app), '/stuck', {
      Host: `127.0.0.1:${portOf(app)}`,
    });
    expect(text).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(text).toContain('Connection setup timed out');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: expect.stringContaining('StuckGateway: the upgrade'),
      }),
    );
  });

  it('@OnConnect gets what the hooks left of the budget, then close 1011', async () => {
    const hookDone = deferred<number>();
    @Gateway('/slow', {
      limits: { connectTimeoutMs: 1_000 },
      hooks: {
        // Uses up most of the budget before the socket opens.
        preValidation: () =>
          new Promise<void>((resolve) => setTimeout(resolve, 600)).then(() =>
            hookDone.resolve(Date.now()),
          ),
      },
    })
    class SlowGateway {
      @OnConnect() join(@ConnectedSocket() _conn: Connection) {
        return new Promise<void>(() => {});
      }
    }
    app = Fastify({ logger: false });
    await bootstrap(app, [SlowGateway]);
    const base = await listen(app);
    const client = await TestClient.open(`${base}/slow`);
    const opened = await hookDone.promise;
    expect((await client.closed).code).toBe(1011);
    // A fresh budget would have waited the whole 1,000 ms after the socket opened.
    expect(Date.now() - opened).toBeLessThan(1_000);
  });
  it('an app-wide onRequest hook before bootstrap() counts too: past the budget, 503', async () => {
    @Gateway('/late', { limits: { connectTimeoutMs: 50 } })
    class LateGateway {}
    app = Fastify({ logger: false });
    // Outlasts the whole budget before the gateway's own hooks run.
    app.addHook('onRequest', () => new Promise<void>((resolve) => setTimeout(resolve, 100)));
    await bootstrap(app, [LateGateway]);
    await listen(app);
    const text = await rawUpgradeAnswer(portOf(app), '/late', {
      Host: `127.0.0.1:${portOf(app)}`,
    });
    expect(text).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });

  it('connectTimeoutMs: Infinity waits for @OnConnect as long as it takes', async () => {
    const joined = deferred();
    @Gateway('/patient', { limits: { connectTimeoutMs: Infinity } })
    class PatientGateway {
      @OnConnect() join() {
        return joined.promise;
      }
      @OnMessage('ping') ping() {
        return 'pong';
      }
    }
    app = Fastify();
    await bootstrap(app, [PatientGateway]);
    const client = await TestClient.open(`${await listen(app)}/patient`);
    const reply = client.request('ping', null, 1);
    joined.resolve();
    expect(await reply).toMatchObject({ data: 'pong', id: 1 });
    await client.close();
  });
});

describe('duplicate paths, through Fastify’s own route conflict', () => {
  @Gateway('/rooms/:room')
  class RoomGateway {}
  @Gateway('/rooms/:id')
  class OtherRoomGateway {}
  @Gateway('/echo')
  class SecondEchoGateway {}

  it.each<[string, () => Promise<unknown>, string]>([
    [
      'the same path twice',
      () => bootstrap(app, [EchoGateway, SecondEchoGateway]),
      'SecondEchoGateway cannot serve path "/echo"',
    ],
    [
      'the same pattern under other param names',
      () => bootstrap(app, [RoomGateway, OtherRoomGateway]),
      'OtherRoomGateway cannot serve path "/rooms/:id"',
    ],
    [
      'a plain route on the path',
      async () => {
        app.get('/echo', async () => 'http');
        await bootstrap(app, [EchoGateway]);
      },
      'EchoGateway cannot serve path "/echo"',
    ],
    [
      'two bootstrap() calls',
      async () => {
        await bootstrap(app, [EchoGateway]);
        await bootstrap(app, [SecondEchoGateway]);
      },
      'SecondEchoGateway cannot serve path "/echo"',
    ],
  ])(
    '%s: FWG_ERR_DUPLICATE_PATH naming the class, with the Fastify error as cause',
    async (_what, run, message) => {
      app = Fastify();
      const error = await run().then(
        () => app.ready(),
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({
        code: 'FWG_ERR_DUPLICATE_PATH',
        message: expect.stringContaining(message),
        cause: expect.objectContaining({ code: 'FST_ERR_DUPLICATED_ROUTE' }),
      });
    },
  );

  it('other route errors pass through unchanged', async () => {
    @Gateway('/bad-hook', { hooks: { onRequest: 'not a function' as never } })
    class BadHookGateway {}
    app = Fastify();
    await expect(bootstrap(app, [BadHookGateway])).rejects.toMatchObject({
      code: 'FST_ERR_HOOK_INVALID_HANDLER',
    });
  });
});
