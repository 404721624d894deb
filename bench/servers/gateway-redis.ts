// Our gateway with the Redis adapter: the harness starts two of these on one redis-server
// and measures broadcasts emitted on one process and delivered on both.
import 'reflect-metadata';
import Redis from 'ioredis';
import { Gateway, GatewayServer, MessageBody, OnMessage } from 'fastify-ws-gateway';
import { RedisAdapter } from 'fastify-ws-gateway/redis';
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

const port = Number(process.env.BENCH_REDIS_PORT);
const client = (): Redis => new Redis({ host: '127.0.0.1', port });
const adapter = new RedisAdapter({ pub: client(), sub: client(), prefix: 'bench' });
startGateway(EchoGateway, { adapter }).catch(exitOnStartupError);
