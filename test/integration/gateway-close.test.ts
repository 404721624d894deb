import Fastify, { type FastifyInstance } from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  MessageBody,
  OnClose,
  OnConnect,
  OnMessage,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connect } from 'fastify-ws-gateway/client';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { deferred, until } from '../support/waiting';

/** Close codes `@OnClose` received, per gateway path. */
const closes: Record<string, number[]> = {};
function recordClose(path: string, code: number): void {
  (closes[path] ??= []).push(code);
}

@Gateway('/kick', { limits: { drainTimeoutMs: 2_000 } })
class KickGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnMessage('kick') kick(@ConnectedSocket() conn: Connection) {
    conn.close();
    return { bye: true };
  }

  @OnMessage('kick-later') async kickLater(@ConnectedSocket() conn: Connection) {
    conn.close(4000, 'later');
    await new Promise((resolve) => setImmediate(resolve));
    return 'after';
  }

  @OnMessage('badThen') badThen() {
    return {
      get then() {
        throw new Error('then getter');
      },
    };
  }

  @OnMessage('emitWrong') emitWrong(
    @MessageBody() kind: string,
    @ConnectedSocket() conn: Connection,
  ) {
    const calls: Record<string, () => void> = {
      connUndefined: () => conn.emit(undefined as never),
      connObject: () => conn.emit({} as never, 1),
      connArray: () => conn.emit([] as never),
      serverObject: () => this.server.emit({} as never),
      serverNumber: () => this.server.to('a').emit(7 as never),
      toNumber: () => this.server.to(5 as never),
      toArray: () => this.server.to(['a', null as never]),
      exceptUndefined: () => this.server.except(undefined as never),
      close999: () => conn.close(999),
      close1006: () => conn.close(1006),
      close5000: () => conn.close(5000),
      closeFraction: () => conn.close(4000.5),
      closeString: () => conn.close('4000' as never),
      closeLongReason: () => conn.close(4000, 'x'.repeat(124)),
      closeReasonNumber: () => conn.close(4000, 7 as never),
    };
    try {
      calls[kind]();
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
    return 'no error';
  }

  @OnMessage('emitRight') emitRight(@ConnectedSocket() conn: Connection) {
    conn.emit('', 1);
    this.server.to(['a']).except('b').except(conn).emit('x');
    return 'ok';
  }

  @OnClose() closed(_conn: Connection, code: number) {
    recordClose('/kick', code);
  }
}

@Gateway('/refuse')
class RefuseGateway {
  @OnConnect() refuse() {
    throw new Error('no');
  }
}

@Gateway('/turn-away')
class TurnAwayGateway {
  @OnConnect() turnAway(@ConnectedSocket() conn: Connection) {
    conn.close(4002, 'full');
    conn.close(); // a second close is ignored
  }
}

const oneAtATime = deferred();

@Gateway('/one-at-a-time', { limits: { maxInFlight: 1 } })
class OneAtATimeGateway {
  @OnMessage('wait') async wait() {
    await oneAtATime.promise;
    return 'done';
  }
  @OnMessage('bye') bye(@ConnectedSocket() conn: Connection) {
    conn.close(4001, 'bye');
    return 'ok';
  }
}

const gates = { forever: deferred() };

@Gateway('/hold', { limits: { drainTimeoutMs: 100 } })
class HoldGateway {
  @OnMessage('hang') hang() {
    return new Promise(() => {});
  }
  @OnMessage('bye') bye(@ConnectedSocket() conn: Connection) {
    conn.close(4001, 'bye');
    return 'ok';
  }
}

@Gateway('/hold-forever', { limits: { drainTimeoutMs: Infinity } })
class HoldForeverGateway {
  @OnMessage('wait') async wait() {
    await gates.forever.promise;
    return 'done';
  }
  @OnMessage('bye') bye(@ConnectedSocket() conn: Connection) {
    conn.close(4001, 'bye');
    return 'ok';
  }
}

describe('closing: codes, replies first, one frame per id', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = Fastify();
    await bootstrap(app, [
      KickGateway,
      RefuseGateway,
      HoldGateway,
      HoldForeverGateway,
      TurnAwayGateway,
      OneAtATimeGateway,
    ]);
    base = await listen(app);
  });
  afterAll(() => app.close());

  it('conn.close() without a code closes with 1000, after the reply to the request', async () => {
    const client = await TestClient.open(`${base}/kick`);
    await expect(client.request('kick', null, 1)).resolves.toEqual({
      event: 'kick',
      data: { bye: true },
      id: 1,
    });
    await expect(client.closed).resolves.toEqual({ code: 1000, reason: '' });
    await until(() => closes['/kick']?.includes(1000) === true);
  });

  it('an async handler that calls conn.close() still gets its reply out first', async () => {
    const client = await TestClient.open(`${base}/kick`);
    client.send({ event: 'kick-later', id: 1 });
    // Sent after the close request: not handled, the connection is closing.
    client.send({ event: 'kick', id: 2 });
    await expect(client.reply(1)).resolves.toEqual({ event: 'kick-later', data: 'after', id: 1 });
    await expect(client.closed).resolves.toEqual({ code: 4000, reason: 'later' });
    expect(client.unread).toEqual([]);
  });

  it('conn.close() outside any handler (here in @OnConnect) closes at once', async () => {
    const client = await TestClient.open(`${base}/turn-away`);
    await expect(client.closed).resolves.toEqual({ code: 4002, reason: 'full' });
  });

  it('our client does not reconnect after 1000', async () => {
    const client = connect(`${base}/kick`, { reconnect: { initialDelayMs: 1 } });
    const closed = new Promise<{ code: number; willReconnect: boolean }>((resolve) =>
      client.on('close', resolve),
    );
    await expect(client.request('kick')).resolves.toEqual({ bye: true });
    await expect(closed).resolves.toMatchObject({ code: 1000, willReconnect: false });
    expect(client.state).toBe('closed');
  });

  it('the client backoff grows while the server accepts and closes at once', async () => {
    const client = connect(`${base}/refuse`, {
      reconnect: { initialDelayMs: 5, maxDelayMs: 40, factor: 2 },
    });
    const attempts: number[] = [];
    const done = deferred();
    client.on('reconnecting', ({ attempt }) => {
      attempts.push(attempt);
      if (attempts.length === 5) done.resolve();
    });
    await done.promise;
    await client.close();
    // Every connection opened and was closed 1011 at once: none was stable, so none reset it.
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
  });

  it('a handler result whose then getter throws is answered internal_error', async () => {
    const client = await TestClient.open(`${base}/kick`);
    await expect(client.request('badThen', null, 1)).resolves.toMatchObject({
      event: 'error',
      data: { code: 'internal_error' },
      id: 1,
    });
    await client.close();
  });

  it.each([
    ['connUndefined', 'Connection.emit(event, data): event must be a string, got undefined'],
    ['connObject', 'Connection.emit(event, data): event must be a string, got an object'],
    ['connArray', 'Connection.emit(event, data): event must be a string, got an array'],
    ['serverObject', 'GatewayServer.emit(event, data): event must be a string, got an object'],
    ['serverNumber', 'GatewayServer.emit(event, data): event must be a string, got number 7'],
    ['toNumber', 'GatewayServer.to(room): room must be a string or an array of strings'],
    ['toArray', 'GatewayServer.to(room): room must be a string or an array of strings, got null'],
    ['exceptUndefined', 'GatewayServer.except(connectionOrRoom): expected a Connection or a room'],
    ['close999', 'Connection.close(code, reason): code must be 1000-1003, 1007-1014 or 3000-4999'],
    ['close1006', 'got number 1006'],
    ['close5000', 'got number 5000'],
    ['closeFraction', 'got number 4000.5'],
    ['closeString', 'got string 4000'],
    ['closeLongReason', 'reason must be a string of at most 123 bytes'],
    ['closeReasonNumber', 'reason must be a string of at most 123 bytes'],
  ])('%s is a programmer error thrown at the call, nothing on the wire', async (kind, message) => {
    const client = await TestClient.open(`${base}/kick`);
    const reply = await client.request('emitWrong', kind, 1);
    expect(reply.data).toEqual({
      code: 'FWG_ERR_INVALID_ARGUMENT',
      message: expect.stringContaining(message),
    });
    await client.roundTrip();
    // Every frame received parsed as JSON (the client would have thrown), and none is extra.
    expect(client.unread).toEqual([]);
    await expect(client.request('emitRight', null, 2)).resolves.toMatchObject({ data: 'ok' });
    await expect(client.next()).resolves.toEqual({ event: '', data: 1 });
    await client.close();
  });

  it("conn.close() waits for the connection's running handlers at most drainTimeoutMs", async () => {
    const client = await TestClient.open(`${base}/hold`);
    client.send({ event: 'hang', id: 1 });
    await expect(client.request('bye', null, 2)).resolves.toEqual({
      event: 'bye',
      data: 'ok',
      id: 2,
    });
    // The hanging handler never replies; the close goes out at drainTimeoutMs anyway.
    await expect(client.closed).resolves.toEqual({ code: 4001, reason: 'bye' });
    expect(client.unread).toEqual([]);
  });

  it('a queued request that calls conn.close() is the last one handled', async () => {
    const client = await TestClient.open(`${base}/one-at-a-time`);
    client.send({ event: 'wait', id: 1 });
    // Queued behind the one in-flight slot:
    client.send({ event: 'bye', id: 2 });
    client.send({ event: 'wait', id: 3 });
    await client.roundTrip();
    oneAtATime.resolve();
    await expect(client.reply(1)).resolves.toMatchObject({ data: 'done' });
    await expect(client.reply(2)).resolves.toMatchObject({ data: 'ok' });
    await expect(client.closed).resolves.toEqual({ code: 4001, reason: 'bye' });
    expect(client.unread).toEqual([]);
  });

  it('with drainTimeoutMs: Infinity, conn.close() waits for the running handler however long', async () => {
    const client = await TestClient.open(`${base}/hold-forever`);
    client.send({ event: 'wait', id: 1 });
    await expect(client.request('bye', null, 2)).resolves.toMatchObject({ data: 'ok' });
    await client.roundTrip();
    expect(client.socket.readyState).toBe(1);
    gates.forever.resolve();
    await expect(client.reply(1)).resolves.toEqual({ event: 'wait', data: 'done', id: 1 });
    await expect(client.closed).resolves.toEqual({ code: 4001, reason: 'bye' });
  });

  it('on shutdown, requests still queued behind @OnConnect get unavailable, then 1001', async () => {
    @Gateway('/slow-connect', { limits: { drainTimeoutMs: 100, connectTimeoutMs: 60_000 } })
    class SlowConnectGateway {
      @OnConnect() never() {
        return new Promise(() => {});
      }
    }
    const own = Fastify();
    await bootstrap(own, [SlowConnectGateway]);
    const client = await TestClient.open(`${await listen(own)}/slow-connect`);
    client.send({ event: 'anything', id: 1 });
    client.send({ event: 'anything' });
    client.send({ event: 7, id: 2 });
    await client.roundTrip();
    await own.close();
    await expect(client.reply(2)).resolves.toMatchObject({ data: { code: 'unavailable' } });
    await expect(client.reply(1)).resolves.toEqual({
      event: 'error',
      data: { code: 'unavailable', message: expect.any(String) },
      id: 1,
    });
    await expect(client.closed).resolves.toMatchObject({ code: 1001 });
    expect(client.unread).toEqual([]);
  });
});
