// Our gateway with the Redis adapter and session resume on: "our gateway, Redis adapter"
// (gateway-redis.ts) with `resume: true`, on the redis-server the harness starts for it.
import Redis from 'ioredis';
import { RedisAdapter } from 'fastify-ws-gateway/redis';
import { exitOnStartupError } from './control';
import { EchoGateway } from './echo-gateway';
import { startGateway } from './gateway-app';

const port = Number(process.env.BENCH_REDIS_PORT);
const client = (): Redis => new Redis({ host: '127.0.0.1', port });
const adapter = new RedisAdapter({ pub: client(), sub: client(), prefix: 'bench' });
startGateway(EchoGateway, { adapter, resume: true }).catch(exitOnStartupError);
