/**
 * The client against a real gateway (bootstrap on a listening Fastify): the protocol the
 * server speaks is the one the client reads, and a graceful shutdown (1001) brings it back.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { IsString, Length } from 'class-validator';
import {
  Gateway,
  OnConnect,
  OnMessage,
  MessageBody,
  ConnectedSocket,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connect, type WsClient, type CloseInfo } from 'fastify-ws-gateway/client';

class SayDto {
  @IsString() @Length(1, 500) text!: string;
}

@Gateway('/chat/:room')
class ChatGateway {
  @OnConnect() hello(@ConnectedSocket() conn: Connection) {
    conn.emit('welcome', { room: conn.params.room });
  }

  @OnMessage('say') say(@MessageBody() body: SayDto, @ConnectedSocket() conn: Connection) {
    conn.emit('said', { text: body.text });
    return { ok: true as const };
  }
}

interface ChatEvents {
  say: { request: { text: string }; reply: { ok: true } };
  shout: { request: { text: string } };
  welcome: { push: { room: string } };
  said: { push: { text: string } };
}

async function startApp(port: number): Promise<FastifyInstance> {
  const app = Fastify();
  await bootstrap(app, [ChatGateway]);
  await app.listen({ host: '127.0.0.1', port });
  return app;
}

describe('connect() against a gateway', () => {
  let app: FastifyInstance;
  let client: WsClient<ChatEvents>;
  let url: string;

  beforeEach(async () => {
    app = await startApp(0);
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/chat/lobby`;
  });
  afterEach(async () => {
    await client?.close();
    await app.close();
  });

  test('pushes, replies and validation errors travel as the client expects', async () => {
    client = connect<ChatEvents>(url, { reconnect: false });
    const welcome = new Promise((resolve) => client.on('welcome', resolve));
    const said = new Promise((resolve) => client.on('said', resolve));
    await expect(welcome).resolves.toEqual({ room: 'lobby' });
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
    await expect(said).resolves.toEqual({ text: 'hi' });
    await expect(client.request('say', { text: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'text', constraints: { isLength: expect.any(String) } }],
    });
  });

  test('an event without handler, sent without id, surfaces as an "error" event', async () => {
    client = connect<ChatEvents>(url, { reconnect: false });
    const error = new Promise((resolve) => client.on('error', resolve));
    client.emit('shout', { text: 'hey' });
    await expect(error).resolves.toMatchObject({ code: 'unknown_event' });
  });

  test('app.close() sends 1001; the client reconnects once the app is back on its port', async () => {
    client = connect<ChatEvents>(url, { reconnect: { initialDelayMs: 5, maxDelayMs: 20 } });
    await new Promise((resolve) => client.on('open', resolve));
    const closed = new Promise<CloseInfo>((resolve) => client.on('close', resolve));
    const port = (app.server.address() as AddressInfo).port;
    await app.close();
    await expect(closed).resolves.toMatchObject({ code: 1001, willReconnect: true });

    const reopened = new Promise((resolve) => client.on('open', resolve));
    app = await startApp(port);
    await reopened;
    await expect(client.request('say', { text: 'back' })).resolves.toEqual({ ok: true });
  });
});
