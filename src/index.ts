/**
 * fastify-ws-gateway: decorator-based WebSocket gateways for Fastify. Public API only; the
 * Redis adapter is a separate entry (`fastify-ws-gateway/redis`) so this one never loads ioredis.
 */
export {
  Gateway,
  OnConnect,
  OnMessage,
  OnClose,
  MessageBody,
  ConnectedSocket,
  Param,
  Query,
  Req,
  UseGuards,
  type OnMessageOptions,
} from './decorators/index';
export type { Guard, GuardContext } from './runtime/gateway/guards';
export { bootstrap, type BootstrapOptions } from './runtime/gateway/bootstrap';
export { Connection } from './runtime/gateway/connection';
export { GatewayServer, BroadcastOperator } from './runtime/gateway/gateway-server';
export { FASTIFY_REQUEST } from './runtime/gateway/container';
export {
  WsException,
  isWsException,
  WireErrorCode,
  CloseCode,
  Errors,
  GatewayError,
} from './runtime/errors';
export { DEFAULT_LIMITS, type Limits } from './runtime/gateway/limits';
export type { Codec, DecodeResult, InboundFrame, OutboundFrame } from './runtime/gateway/codec';
export { MemoryAdapter } from './runtime/gateway/adapters/memory-adapter';
export type {
  AdapterChannel,
  AdapterLink,
  Broadcast,
  GatewayAdapter,
} from './runtime/gateway/adapters/adapter';
export type { ValidationDetail } from './runtime/gateway/validation';
export type {
  Constructor,
  GatewayDefinition,
  GatewayHooks,
  GatewayOptions,
  HandlerDefinition,
  ParamDefinition,
} from './definition';
export { fastifyWebsocket } from './runtime/websocket/index';
export type * from './runtime/websocket/types';
