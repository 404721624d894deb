// NestJS gateway with ValidationPipe bound on the handler: a global pipe is not applied to
// gateways, so `@UsePipes` is how a Nest user gets validation here.
import 'reflect-metadata';
import { UsePipes, ValidationPipe } from '@nestjs/common';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { WebSocketServer as WsServer } from 'ws';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError } from './control';
import { EchoDto } from './echo-dto';
import { startNest } from './nest-app';

@WebSocketGateway({ path: ECHO_PATH })
class EchoGateway {
  @WebSocketServer() server!: WsServer;

  @SubscribeMessage('echo')
  @UsePipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  )
  echo(@MessageBody('data') data: EchoDto, @MessageBody('id') id: number) {
    return { event: 'echo', data, id };
  }
}

startNest(EchoGateway).catch(exitOnStartupError);
