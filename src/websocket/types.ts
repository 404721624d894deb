/**
 * Public types of the websocket plugin and its augmentation of Fastify's own types, shaped
 * like @fastify/websocket 11's so typed applications compile unchanged after the swap.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerBase,
  RawServerDefault,
  RequestGenericInterface,
  RouteGenericInterface,
} from 'fastify';
import type { preCloseAsyncHookHandler, preCloseHookHandler } from 'fastify/types/hooks';
import type { ServerOptions, WebSocket } from 'ws';

/**
 * A websocket route handler: the `handler` of a `{ websocket: true }` route, or `wsHandler`.
 * `this` is the encapsulated Fastify instance that declared the route. A returned promise
 * that rejects goes to `errorHandler`; any other return value (e.g. `socket.on(...)`) is ignored.
 */
export type WebsocketHandler<
  RawServer extends RawServerBase = RawServerDefault,
  RawRequest extends RawRequestDefaultExpression<RawServer> =
    RawRequestDefaultExpression<RawServer>,
  RequestGeneric extends RequestGenericInterface = RequestGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
> = (
  this: FastifyInstance<Server, IncomingMessage, ServerResponse>,
  socket: WebSocket,
  request: FastifyRequest<
    RequestGeneric,
    RawServer,
    RawRequest,
    SchemaCompiler,
    TypeProvider,
    ContextConfig,
    Logger
  >,
) => unknown;

/** `ws.Server` options; `path` is left out (use a route), `noServer` is refused at register. */
export type WebSocketServerOptions = Omit<ServerOptions, 'path'>;

/** Options of `app.register(fastifyWebsocket, options)`. */
export interface WebsocketPluginOptions {
  /** Called when a handler throws/rejects or the socket emits `error`. Default: log, terminate. */
  errorHandler?: (
    this: FastifyInstance,
    error: Error,
    socket: WebSocket,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => void;
  /** Passed to `ws.Server` (maxPayload, verifyClient, handleProtocols, perMessageDeflate…). */
  options?: WebSocketServerOptions;
  /** Runs on `fastify.close()`. Default: close every client with 1001, then the ws server. */
  preClose?: preCloseHookHandler | preCloseAsyncHookHandler;
}

/** Callbacks of `fastify.injectWS(path, upgradeContext, options)`. */
export interface InjectWSOption {
  /** Called with the client socket before the upgrade is sent. */
  onInit?: (ws: WebSocket) => void;
  /** Called with the client socket once it is open, before the promise resolves. */
  onOpen?: (ws: WebSocket) => void;
}

/** Connects an in-memory client to a websocket route, through every hook, without a port. */
export type InjectWSFn<RawRequest> = (
  path?: string,
  upgradeContext?: Partial<RawRequest>,
  options?: InjectWSOption,
) => Promise<WebSocket>;

declare module 'fastify' {
  interface RouteShorthandOptions<
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    RawServer extends RawServerBase = RawServerDefault,
  > {
    /** Makes `handler` a websocket handler `(socket, request)`. */
    websocket?: boolean;
  }

  interface FastifyInstance<RawServer, RawRequest, RawReply, Logger, TypeProvider> {
    /** The `ws.Server` handling this instance's upgrades. */
    websocketServer: import('ws').Server;
    /** Connects an in-memory client to a websocket route; rejects on a refused upgrade. */
    injectWS: InjectWSFn<RawRequest>;

    // With `websocket: true`, `handler` is the websocket handler, so it is typed as one.
    route<
      RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
      ContextConfig = ContextConfigDefault,
      const SchemaCompiler extends FastifySchema = FastifySchema,
    >(
      opts: Omit<
        RouteOptions<
          RawServer,
          RawRequest,
          RawReply,
          RouteGeneric,
          ContextConfig,
          SchemaCompiler,
          TypeProvider,
          Logger
        >,
        'handler' | 'websocket'
      > & {
        websocket: true;
        handler: WebsocketHandler<
          RawServer,
          RawRequest,
          RouteGeneric,
          ContextConfig,
          SchemaCompiler,
          TypeProvider,
          Logger
        >;
      },
    ): FastifyInstance<RawServer, RawRequest, RawReply, Logger, TypeProvider>;
  }

  interface FastifyRequest {
    /** True when the request is a websocket upgrade. */
    ws: boolean;
  }

  interface RouteShorthandMethod<
    RawServer extends RawServerBase = RawServerDefault,
    RawRequest extends RawRequestDefaultExpression<RawServer> =
      RawRequestDefaultExpression<RawServer>,
    RawReply extends RawReplyDefaultExpression<RawServer> = RawReplyDefaultExpression<RawServer>,
    TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
    Logger extends FastifyBaseLogger = FastifyBaseLogger,
  > {
    <
      RequestGeneric extends RequestGenericInterface = RequestGenericInterface,
      ContextConfig = ContextConfigDefault,
      SchemaCompiler extends FastifySchema = FastifySchema,
      InnerLogger extends Logger = Logger,
    >(
      path: string,
      opts: RouteShorthandOptions<
        RawServer,
        RawRequest,
        RawReply,
        RequestGeneric,
        ContextConfig,
        SchemaCompiler,
        TypeProvider,
        InnerLogger
      > & { websocket: true },
      handler?: WebsocketHandler<
        RawServer,
        RawRequest,
        RequestGeneric,
        ContextConfig,
        SchemaCompiler,
        TypeProvider,
        InnerLogger
      >,
    ): FastifyInstance<RawServer, RawRequest, RawReply, InnerLogger, TypeProvider>;
  }

  interface RouteOptions<
    RawServer extends RawServerBase = RawServerDefault,
    RawRequest extends RawRequestDefaultExpression<RawServer> =
      RawRequestDefaultExpression<RawServer>,
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    RawReply extends RawReplyDefaultExpression<RawServer> = RawReplyDefaultExpression<RawServer>,
    RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
    ContextConfig = ContextConfigDefault,
    SchemaCompiler = FastifySchema,
    TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
    Logger extends FastifyBaseLogger = FastifyBaseLogger,
  > {
    /** The websocket handler of a route that serves HTTP (`handler`) and websocket on one URL. */
    wsHandler?: WebsocketHandler<
      RawServer,
      RawRequest,
      RouteGeneric,
      ContextConfig,
      SchemaCompiler extends FastifySchema ? SchemaCompiler : FastifySchema,
      TypeProvider,
      Logger
    >;
  }
}
