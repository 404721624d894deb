// NestJS gateway (platform-fastify + platform-ws), no validation.
import 'reflect-metadata';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { WebSocketServer as WsServer } from 'ws';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError } from './control';
import { startNest } from './nest-app';

@WebSocketGateway({ path: ECHO_PATH })
class EchoGateway {
  @WebSocketServer() server!: WsServer;

  @SubscribeMessage('echo')
  echo(@MessageBody('data') data: unknown, @MessageBody('id') id: unknown) {
    return { event: 'echo', data, id };
  }
}

startNest(EchoGateway).catch(exitOnStartupError);
