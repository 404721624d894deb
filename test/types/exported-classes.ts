/**
 * Type test: every class the entries export can be constructed from exported types alone
 * (compiled by `tsc --noEmit -p tsconfig.json`). A constructor that needs an unexported type
 * would make this file fail to compile.
 */
import type { WebSocket } from 'ws';
import type Redis from 'ioredis';
import {
  BroadcastOperator,
  Connection,
  GatewayError,
  GatewayServer,
  MemoryAdapter,
  WsException,
  type BroadcastTarget,
  type ConnectionHost,
} from 'fastify-ws-gateway';
import { WsClient, WsClientError, type ResolvedClientOptions } from 'fastify-ws-gateway/client';
import { RedisAdapter } from 'fastify-ws-gateway/redis';
import { WsClientError as TestingClientError } from 'fastify-ws-gateway/testing';

export function constructEveryExportedClass(
  host: ConnectionHost,
  target: BroadcastTarget,
  socket: WebSocket,
  clientOptions: ResolvedClientOptions,
  redis: Redis,
): object[] {
  return [
    new Connection(host, socket, { room: 'a' }, {}, {}),
    new GatewayServer(target),
    new BroadcastOperator(target),
    new MemoryAdapter(),
    new WsException('room_full', 'Room is full'),
    new GatewayError('MY_CODE', 'mine'),
    new WsClient('ws://localhost/chat', clientOptions),
    new WsClientError('timeout'),
    new TestingClientError('timeout'),
    new RedisAdapter({ pub: redis, sub: redis }),
  ];
}
