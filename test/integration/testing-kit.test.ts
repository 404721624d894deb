import Fastify, { type FastifyInstance } from 'fastify';
import { IsString, Length } from 'class-validator';
import {
  Gateway,
  OnConnect,
  OnMessage,
  MessageBody,
  ConnectedSocket,
  WsException,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connectGateway, isWsClientError, WsClientError } from 'fastify-ws-gateway/testing';

class SayDto {
  @IsString() @Length(1, 500) text!: string;
}

let release: (() => void) | undefined;

@Gateway('/kit/:room', {
  keepHeaders: ['x-user'],
  hooks: {
    preValidation: async (request, reply) => {
      if (request.headers.authorization !== 'let-me-in') await reply.code(401).send();
    },
  },
})
class KitGateway {
  @OnConnect() welcome(@ConnectedSocket() conn: Connection) {
    // Sent in the same tick the socket opens: the kit must not miss it.
    conn.emit('welcome', {
      room: conn.params.room,
      name: conn.query.name,
      user: conn.headers['x-user'],
    });
  }

  @OnMessage('say') say(@MessageBody() body: SayDto, @ConnectedSocket() conn: Connection) {
    conn.emit('said', { text: body.text });
    return { ok: true };
  }

  @OnMessage('burst') burst(
    @MessageBody() body: { count: number },
    @ConnectedSocket() conn: Connection,
  ) {
    for (let n = 1; n <= body.count; n++) conn.emit('tick', n);
  }

  @OnMessage('full') full() {
    throw new WsException('room_full', 'Room is full', { capacity: 2 });
  }

  @OnMessage('held') async held() {
    await new Promise<void>((resolve) => (release = resolve));
    return 'released';
  }

  @OnMessage('kick') kick(@ConnectedSocket() conn: Connection) {
    conn.close(4001, 'kicked');
  }
}

interface KitEvents {
  say: { request: SayDto; reply: { ok: boolean } };
  burst: { request: { count: number } };
  full: { request: void; reply: never };
  held: { request: void; reply: string };
  kick: { request: void };
  nope: { request: unknown };
  welcome: { push: { room: string; name: string; user: string } };
  said: { push: { text: string } };
  tick: { push: number };
}

const auth = { headers: { authorization: 'let-me-in', 'x-user': 'ada' }, query: { name: 'Ada' } };

describe('connectGateway (test kit)', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify();
    await bootstrap(app, [KitGateway]);
  });
  afterEach(async () => {
    release?.();
    await app.close();
  });

  test('passes headers and query through every hook, and keeps frames sent on open', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby?lang=en', auth);
    await expect(client.next('welcome')).resolves.toEqual({
      room: 'lobby',
      name: 'Ada',
      user: 'ada',
    });
    await client.close();
  });

  test('request resolves with the reply data; next gives pushes that arrived before the call', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
    await expect(client.next('said')).resolves.toEqual({ text: 'hi' });
    await client.close();
  });

  test('next takes the oldest unread frame of its event first', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    client.emit('burst', { count: 3 });
    const first = client.next('tick');
    expect(await first).toBe(1);
    expect(await client.next('tick')).toBe(2);
    expect(await client.next('tick')).toBe(3);
    await client.close();
  });

  test('validation errors reject with WsClientError carrying code and details', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    const error = await client.request('say', { text: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WsClientError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'text', constraints: { isLength: expect.any(String) } }],
    });
    await expect(client.request('say', { text: 'still open' })).resolves.toEqual({ ok: true });
    await client.close();
  });

  test('a WsException reaches the test with its own code, message and details', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    await expect(client.request('full')).rejects.toMatchObject({
      code: 'room_full',
      message: 'Room is full',
      details: { capacity: 2 },
    });
    await client.close();
  });

  test('error frames without id are read with next("error")', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    client.emit('nope', {});
    await expect(client.next('error')).resolves.toMatchObject({ code: 'unknown_event' });
    await client.close();
  });

  test('a refused upgrade rejects with the HTTP status', async () => {
    await expect(connectGateway(app, '/kit/lobby')).rejects.toThrow(
      'Unexpected server response: 401',
    );
  });

  test('requestTimeoutMs turns a missing reply into a "timeout" error', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', {
      ...auth,
      requestTimeoutMs: 30,
    });
    const error = await client.request('held').catch((caught: unknown) => caught);
    expect(isWsClientError(error) && error.code).toBe('timeout');
    await client.close();
  });

  test('closed resolves with the server close code; waiting calls fail with "not_connected"', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    const pending = client.request('held').catch((caught: unknown) => caught);
    const waiting = client.next('said').catch((caught: unknown) => caught);
    client.emit('kick');
    await expect(client.closed).resolves.toEqual({ code: 4001, reason: 'kicked' });
    await expect(pending).resolves.toMatchObject({ code: 'not_connected' });
    await expect(waiting).resolves.toMatchObject({
      code: 'not_connected',
      message: expect.stringContaining('"said"'),
    });
    await expect(client.next('tick')).rejects.toMatchObject({ code: 'not_connected' });
    await expect(client.request('say', { text: 'late' })).rejects.toMatchObject({
      code: 'not_connected',
    });
    expect(() => client.emit('kick')).toThrow(WsClientError);
    await expect(client.close()).resolves.toEqual({ code: 4001, reason: 'kicked' });
  });

  test('close() resolves once the socket closed, with code 1000 by default', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    const waiting = client.next('said').catch((caught: unknown) => caught);
    await expect(client.close()).resolves.toEqual({ code: 1000, reason: '' });
    await expect(client.closed).resolves.toEqual({ code: 1000, reason: '' });
    await expect(waiting).resolves.toMatchObject({
      message: 'The connection closed (code 1000) before a "said" frame arrived',
    });
  });

  test('close() completes the close handshake even when timers come due first', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    const closing = client.close();
    // A busy machine: the event loop reaches its timers before the server's close frame is read.
    const until = Date.now() + 20;
    while (Date.now() < until);
    await expect(closing).resolves.toEqual({ code: 1000, reason: '' });
  });

  test('an unreadable frame from the server is reported as an unreadable_frame error', async () => {
    const client = await connectGateway<KitEvents>(app, '/kit/lobby', auth);
    const [connection] = app.websocketServer.clients;
    connection.send('not json');
    await expect(client.next('error')).resolves.toMatchObject({ code: 'unreadable_frame' });
    await client.close();
  });
});
