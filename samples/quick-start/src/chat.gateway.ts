import 'reflect-metadata';
import { IsString, Length } from 'class-validator';
import {
  Gateway,
  OnConnect,
  OnMessage,
  OnClose,
  MessageBody,
  ConnectedSocket,
  Param,
  GatewayServer,
  type Connection,
} from 'fastify-ws-gateway';

export class SayDto {
  @IsString()
  @Length(1, 500)
  text!: string;
}

@Gateway('/chat/:room')
export class ChatGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnConnect()
  join(@ConnectedSocket() conn: Connection, @Param('room') room: string) {
    conn.join(room); // frames that arrive before @OnConnect settles wait, in order
  }

  @OnMessage('say')
  say(@MessageBody() body: SayDto, @ConnectedSocket() conn: Connection) {
    this.server.to(conn.params.room).emit('said', { text: body.text });
    return { ok: true }; // the reply, sent with the request's id
  }

  @OnClose()
  leave(@ConnectedSocket() conn: Connection) {
    this.server.to(conn.params.room).emit('left', { id: conn.id });
  }
}
