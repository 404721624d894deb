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
  OnServerEvent,
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
  MessageContext,
} from './definition';
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
export { fastifyWsGateway, type FastifyWsGatewayOptions } from './gateway/plugin';
export type { AsyncApiRouteOptions } from './gateway/asyncapi-route';
export { Connection, type ConnectionHost } from './gateway/connection';
export { GatewayServer, BroadcastOperator, type BroadcastTarget } from './gateway/gateway-server';
export type { RemoteConnection } from './gateway/gateway-cluster';
export { FASTIFY_REQUEST } from './gateway/container';
export {
  WsException,
  isWsException,
  WireErrorCode,
  CloseCode,
  Errors,
  GatewayError,
  type ErrorCause,
  type GatewayErrorClass,
  ClusterTimeoutError,
} from './errors';
export { DEFAULT_LIMITS, type Limits } from './gateway/limits';
export { DEFAULT_RESUME, type ResumeOptions } from './gateway/resume-options';
export type { SessionStore } from './gateway/session-store';
export type {
  Codec,
  DecodeFailure,
  DecodeResult,
  InboundFrame,
  OutboundFrame,
} from './gateway/codec';
export { jsonCodec } from './gateway/json-codec';
export { MemoryAdapter } from './gateway/memory-adapter';
export type {
  AdapterChannel,
  AdapterLink,
  Broadcast,
  GatewayAdapter,
  ClusterAdapter,
  ClusterAnswer,
  ClusterChannel,
  ClusterErrorInfo,
  ClusterLink,
  ClusterReplies,
  ClusterRequest,
  ClusterSelection,
} from './gateway/adapter';
export type { ValidationDetail } from './gateway/validation';
export type {
  Constructor,
  GatewayDefinition,
  GatewayHooks,
  GatewayOptions,
  GatewaySchema,
  HandlerDefinition,
  ParamDefinition,
} from './definition';
export { fastifyWebsocket } from './websocket/plugin';
export type * from './websocket/types';
