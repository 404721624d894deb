// Our gateway: `@OnMessage('echo')` returns the body; the reply carries the request id.
import 'reflect-metadata';
import { Gateway, GatewayServer, MessageBody, OnMessage } from 'fastify-ws-gateway';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError } from './control';
import { BENCH_LIMITS, broadcaster, startGateway } from './gateway-app';

@Gateway(ECHO_PATH, { limits: BENCH_LIMITS })
class EchoGateway {
  constructor(server: GatewayServer) {
    broadcaster.server = server;
  }

  @OnMessage('echo')
  echo(@MessageBody() body: unknown) {
    return body;
  }
}

startGateway(EchoGateway).catch(exitOnStartupError);
