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
  UseInterceptors,
  UseFilters,
  SetMetadata,
  Emits,
  type OnMessageOptions,
} from './decorators';
export { inject as Inject } from 'tsyringe';
export type {
  Guard,
  GuardContext,
  CanActivate,
  Interceptor,
  ExceptionFilter,
  GuardRef,
  InterceptorRef,
  FilterRef,
} from './gateway/enhancers';
export type { MessageContext } from './gateway/message-context';
export {
  ParseIntPipe,
  ParseFloatPipe,
  ParseBoolPipe,
  type PipeTransform,
  type PipeMeta,
  type PipeRef,
} from './gateway/pipes';
export type { Provider } from './gateway/providers';
export { bootstrap, type BootstrapOptions } from './gateway/bootstrap';
export type { AsyncApiRouteOptions } from './gateway/asyncapi-route';
export { Connection } from './gateway/connection';
export { GatewayServer, BroadcastOperator } from './gateway/gateway-server';
export { FASTIFY_REQUEST } from './gateway/container';
export {
  WsException,
  isWsException,
  WireErrorCode,
  CloseCode,
  Errors,
  GatewayError,
} from './errors';
export { DEFAULT_LIMITS, type Limits } from './gateway/limits';
export type { Codec, DecodeResult, InboundFrame, OutboundFrame } from './gateway/codec';
export { MemoryAdapter } from './gateway/memory-adapter';
export type { AdapterChannel, AdapterLink, Broadcast, GatewayAdapter } from './gateway/adapter';
export type { ValidationDetail } from './gateway/validation';
export type {
  Constructor,
  GatewayDefinition,
  GatewayHooks,
  GatewayOptions,
  HandlerDefinition,
  ParamDefinition,
} from './definition';
export { fastifyWebsocket } from './websocket/plugin';
export type * from './websocket/types';
