import Fastify, { type FastifyInstance } from 'fastify';
import { IsString } from 'class-validator';
import {
  ConnectedSocket,
  Emits,
  Gateway,
  GatewayServer,
  MessageBody,
  OnConnect,
  OnMessage,
  WsException,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connectGateway, UndeclaredEventError } from 'fastify-ws-gateway/testing';

class SaidDto {
  @IsString() text!: string;
}

@Gateway('/declared')
@Emits('said', SaidDto)
@Emits('hello', SaidDto)
class DeclaredGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnConnect() greet(@ConnectedSocket() conn: Connection) {
    conn.emit('hello', { text: 'welcome' });
  }

  @OnMessage('say') say(@MessageBody() body: { text: string }) {
    this.server.emit('said', { text: body.text });
    return { ok: true };
  }

  /** Sends an event the gateway never declared (a typo, say). */
  @OnMessage('typo') typo(@ConnectedSocket() conn: Connection) {
    conn.emit('siad', { text: 'oops' });
    return 'sent';
  }

  @OnMessage('fail') fail() {
    throw new WsException('room_full', 'Room is full');
  }
}

@Gateway('/undeclared')
class UndeclaredGateway {
  @OnMessage('anything') anything(@ConnectedSocket() conn: Connection) {
    conn.emit('whatever', 1);
  }
}

describe('test kit: a gateway sends only the events it declares with @Emits', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify();
    await bootstrap(app, [DeclaredGateway, UndeclaredGateway]);
  });
  afterEach(async () => {
    await app.close();
  });

  it('lets declared events, replies (with and without id) and error frames through', async () => {
    const client = await connectGateway(app, '/declared');
    await expect(client.next('hello')).resolves.toEqual({ text: 'welcome' });
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
    await expect(client.next('said')).resolves.toEqual({ text: 'hi' });
    client.emit('say', { text: 'no id' });
    await expect(client.next('say' as never)).resolves.toEqual({ ok: true });
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'room_full' });
    client.emit('nope');
    await expect(client.next('error')).resolves.toMatchObject({ code: 'unknown_event' });
    await expect(client.close()).resolves.toEqual({ code: 1000, reason: '' });
  });

  it('fails the waiting next(), later calls and close() with a message naming the event and the fix', async () => {
    const client = await connectGateway(app, '/declared');
    await client.next('hello');
    const waiting = client.next('said');
    await expect(client.request('typo')).resolves.toBe('sent');
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndeclaredEventError);
    expect((error as Error).message).toBe(
      'DeclaredGateway sent "siad", which it does not declare: add @Emits("siad", Dto) to DeclaredGateway or fix the event name (declared: "said", "hello")',
    );
    await expect(client.next('hello')).rejects.toBe(error);
    await expect(client.request('say', { text: 'x' })).rejects.toBe(error);
    expect(() => client.emit('say', { text: 'x' })).toThrow(error as Error);
    await expect(client.close()).rejects.toBe(error);
    await expect(client.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('checks nothing for a gateway that declares no @Emits', async () => {
    const client = await connectGateway(app, '/undeclared');
    client.emit('anything');
    await expect(client.next('whatever' as never)).resolves.toBe(1);
    await client.close();
  });
});
