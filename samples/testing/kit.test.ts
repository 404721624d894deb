import 'reflect-metadata';
import Fastify from 'fastify';
import { IsString, Length } from 'class-validator';
import {
  Gateway,
  OnConnect,
  OnMessage,
  ConnectedSocket,
  Query,
  GatewayServer,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connectGateway, WsClientError } from 'fastify-ws-gateway/testing';

class SayDto {
  @IsString()
  @Length(1, 500)
  text!: string;
}

@Gateway('/chat/:room', {
  hooks: {
    onRequest: async (request, reply) => {
      if (request.headers.authorization !== 'Bearer token') await reply.code(401).send();
    },
  },
})
class ChatGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnConnect()
  join(@ConnectedSocket() conn: Connection, @Query('name') name: string) {
    conn.data.user = name;
    conn.join(conn.params.room);
  }

  @OnMessage('say')
  say(body: SayDto, conn: Connection) {
    this.server.to(conn.params.room).emit('said', { user: conn.data.user, text: body.text });
    return { ok: true };
  }
}

test('the kit: replies, pushes, errors, refused upgrades and closes', async () => {
  const app = Fastify();
  await bootstrap(app, [ChatGateway]);

  await expect(connectGateway(app, '/chat/lobby')).rejects.toThrow(
    'Unexpected server response: 401',
  );

  const ada = await connectGateway(app, '/chat/lobby', {
    query: { name: 'ada' },
    headers: { authorization: 'Bearer token' },
  });
  await expect(ada.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
  await expect(ada.next('said')).resolves.toEqual({ user: 'ada', text: 'hi' });

  const refused = ada.request('say', { text: '' });
  await expect(refused).rejects.toBeInstanceOf(WsClientError);
  await expect(refused).rejects.toMatchObject({
    code: 'validation_failed',
    details: [{ path: 'text' }],
  });

  await app.close(); // the server closes every client with 1001
  await expect(ada.closed).resolves.toMatchObject({ code: 1001 });
});
