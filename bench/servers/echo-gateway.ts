// Our plain echo gateway: `@OnMessage('echo')` returns the body; the reply carries the
// request id. Served alone (gateway.ts) and behind the Redis adapter (gateway-redis.ts).
import 'reflect-metadata';
import { Gateway, GatewayServer, MessageBody, OnMessage } from 'fastify-ws-gateway';
import { ECHO_PATH } from '../protocol';
import { BENCH_LIMITS, broadcaster } from './gateway-app';

@Gateway(ECHO_PATH, { limits: BENCH_LIMITS })
export class EchoGateway {
  constructor(server: GatewayServer) {
    broadcaster.server = server;
  }

  @OnMessage('echo')
  echo(@MessageBody() body: unknown) {
    return body;
  }
}
