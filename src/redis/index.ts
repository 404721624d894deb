/**
 * `fastify-ws-gateway/redis`: the Redis adapter, for gateways served by several processes.
 * Kept out of the main entry so that only apps that use it load ioredis (an optional peer).
 */
export { RedisAdapter } from './redis-adapter';
export type {
  HistoryOptions,
  RedisAdapterOptions,
  RedisAdapterStats,
  RedisClusterStats,
  ReplayBufferOptions,
} from './redis-adapter';
