/**
 * `fastify-ws-gateway/websocket`: the websocket plugin alone, shaped like
 * `require('@fastify/websocket')` so an application switches by changing one import.
 *
 * @example
 * import fastifyWebsocket from 'fastify-ws-gateway/websocket';
 * await app.register(fastifyWebsocket, { options: { maxPayload: 1048576 } });
 */
import plugin, { addDrainHook, createWebSocketStream } from './plugin';
import type * as types from './types';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  RawRequestDefaultExpression,
  RawServerBase,
  RawServerDefault,
  RequestGenericInterface,
} from 'fastify';

type FastifyWebsocket = typeof plugin & {
  default: typeof plugin;
  fastifyWebsocket: typeof plugin;
  createWebSocketStream: typeof createWebSocketStream;
  addDrainHook: typeof addDrainHook;
};

const fastifyWebsocket = plugin as FastifyWebsocket;
fastifyWebsocket.default = plugin;
fastifyWebsocket.fastifyWebsocket = plugin;
fastifyWebsocket.createWebSocketStream = createWebSocketStream;
fastifyWebsocket.addDrainHook = addDrainHook;

// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace fastifyWebsocket {
  export type WebsocketHandler<
    RawServer extends RawServerBase = RawServerDefault,
    RawRequest extends RawRequestDefaultExpression<RawServer> =
      RawRequestDefaultExpression<RawServer>,
    RequestGeneric extends RequestGenericInterface = RequestGenericInterface,
    ContextConfig = ContextConfigDefault,
    SchemaCompiler extends FastifySchema = FastifySchema,
    TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
    Logger extends FastifyBaseLogger = FastifyBaseLogger,
  > = types.WebsocketHandler<
    RawServer,
    RawRequest,
    RequestGeneric,
    ContextConfig,
    SchemaCompiler,
    TypeProvider,
    Logger
  >;
  export type WebsocketPluginOptions = types.WebsocketPluginOptions;
  export type WebSocketServerOptions = types.WebSocketServerOptions;
  export type InjectWSOption = types.InjectWSOption;
  export type InjectWSFn<RawRequest> = types.InjectWSFn<RawRequest>;
  export type WebSocket = import('ws').WebSocket;
}

export = fastifyWebsocket;
