/**
 * The websocket plugin: a drop-in for @fastify/websocket 11 on `ws` and `fastify-plugin`.
 *
 * Upgrades go through Fastify's router, so every hook runs before the handshake and can
 * refuse it with an HTTP status; the route handler then completes the upgrade and calls the
 * websocket handler with `(socket, request)`. Read top to bottom: options, upgrade dispatch,
 * routes, close.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteHandlerMethod,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { WebSocket, WebSocketServer, createWebSocketStream } from 'ws';
import { sharedClientTracking } from './client-tracking';
import { decorateDrainHooks, runDrainHooks } from './drain-hooks';
import { createInjectWS } from './inject-ws';
import { isUpgrade, listenForUpgrades, takeUpgrade } from './upgrade-dispatch';
import type { WebsocketHandler, WebsocketPluginOptions } from './types';

export type * from './types';
export { addDrainHook, hasDrainHooks } from './drain-hooks';
export { upgradeStartedAt } from './upgrade-dispatch';
export { createWebSocketStream };

function fastifyWebsocketPlugin(
  fastify: FastifyInstance,
  opts: WebsocketPluginOptions,
  next: (error?: Error) => void,
): void {
  fastify.decorateRequest('ws', false);

  if (opts.errorHandler !== undefined && typeof opts.errorHandler !== 'function') {
    return next(new Error('invalid errorHandler function'));
  }
  if (opts.preClose !== undefined && typeof opts.preClose !== 'function') {
    return next(new Error('invalid preClose function'));
  }
  if (opts.options && (opts.options as { noServer?: boolean }).noServer) {
    return next(
      new Error(
        "fastify-websocket doesn't support the ws noServer option. If you want to create a websocket server detatched from fastify, use the ws library directly.",
      ),
    );
  }
  const customErrorHandler = opts.errorHandler;
  const userPreClose = opts.preClose;

  const {
    server: optionServer,
    path,
    ...wssOptions
  } = { ...opts.options } as WebsocketPluginOptions['options'] & { path?: string; server?: Server };
  // Routing is Fastify's: a ws `path` would make ws refuse every other route's upgrade.
  if (path) {
    fastify.log.warn("ws server path option shouldn't be provided, use a route instead");
  }
  // We dispatch upgrades ourselves (through the router), so ws never touches the server.
  const wss = new WebSocketServer({ ...wssOptions, noServer: true });
  const track = sharedClientTracking(wss);
  const listenServer = optionServer ?? fastify.server;
  fastify.decorate('websocketServer', wss);
  const drainHooks = decorateDrainHooks(fastify);

  // ---- upgrade dispatch ------------------------------------------------------------------

  const stopListening = listenForUpgrades(listenServer, fastify);
  const injectWS = createInjectWS((req, socket, head) =>
    listenServer.emit('upgrade', req, socket, head),
  );
  fastify.decorate('injectWS', injectWS as FastifyInstance['injectWS']);

  fastify.addHook('onRequest', (request, _reply, done) => {
    request.ws = isUpgrade(request.raw);
    done();
  });

  /** Completes the handshake and runs `wsHandler`; keeps nothing of the request afterwards. */
  function upgrade(
    instance: FastifyInstance,
    request: FastifyRequest,
    reply: FastifyReply,
    wsHandler: WebsocketHandler,
  ): void {
    reply.hijack();
    const raw = request.raw;
    const { socket, head } = takeUpgrade(raw, reply.raw);
    wss.handleUpgrade(raw, socket, head, (ws) => {
      track?.(ws);
      releaseUpgrade(socket, reply);
      wss.emit('connection', ws, raw);
      const onError = errorReporter(instance, ws, request, reply);
      let result: unknown;
      try {
        result = wsHandler.call(instance, ws, request);
      } catch (error) {
        return onError.call(ws, error as Error);
      }
      if (result && typeof (result as Promise<unknown>).catch === 'function') {
        (result as Promise<unknown>).catch((error: Error) => onError.call(ws, error));
      }
    });
  }

  /**
   * The connection's error path, attached as its error listener. A custom errorHandler
   * receives request and reply, as upstream; the default is one shared function that finds
   * the request's logger on the socket, so an idle connection keeps no closure for it.
   */
  function errorReporter(
    instance: FastifyInstance,
    ws: WebSocket,
    request: FastifyRequest,
    reply: FastifyReply,
  ): (this: WebSocket, error: Error) => void {
    if (customErrorHandler) {
      const onError = (error: Error) =>
        customErrorHandler.call(instance, error, ws, request, reply);
      ws.on('error', onError);
      return onError;
    }
    (ws as LoggedSocket)[kLog] = request.log;
    ws.on('error', logAndTerminate);
    return logAndTerminate;
  }

  // ---- routes ----------------------------------------------------------------------------

  fastify.addHook('onRoute', (routeOptions: RouteOptions) => {
    let httpHandler = routeOptions.handler;
    let wsHandler: WebsocketHandler = closeUnhandled;

    if (routeOptions.websocket || routeOptions.wsHandler) {
      const methods = ([] as string[]).concat(routeOptions.method);
      if (methods.every((method) => method === 'HEAD')) {
        // A HEAD request cannot be upgraded; this is also the HEAD twin Fastify adds to a GET.
        if (routeOptions.websocket) routeOptions.handler = notFound;
        return;
      }
      if (methods.some((method) => method !== 'GET' && method !== 'HEAD')) {
        throw new Error('websocket handler can only be declared in GET method');
      }
      if (routeOptions.websocket) {
        routeOptions.schema = { ...routeOptions.schema, hide: true } as RouteOptions['schema'];
        wsHandler = routeOptions.handler as unknown as WebsocketHandler;
        httpHandler = notFound;
      } else {
        wsHandler = routeOptions.wsHandler as WebsocketHandler;
      }
      if (typeof wsHandler !== 'function') {
        throw new TypeError('invalid wsHandler function');
      }
    }

    // Every route is wrapped so an upgrade to an HTTP-only route is accepted, then closed.
    routeOptions.handler = function (this: FastifyInstance, request, reply) {
      if (!isUpgrade(request.raw)) {
        return httpHandler.call(this, request, reply);
      }
      upgrade(this, request, reply, wsHandler);
    };
  });

  // ---- close -----------------------------------------------------------------------------

  // Fastify's own hook runner calls each in turn: first the work layered on the plugin
  // finishes (drain hooks), then the user's preClose, written in either style, or ours.
  fastify.addHook('preClose', function drainBeforeClose(this: FastifyInstance) {
    return runDrainHooks(this, drainHooks);
  });
  fastify.addHook('preClose', userPreClose ?? closeClients);
  fastify.addHook('onClose', (_instance, done) => {
    stopListening();
    done();
  });

  /** Default preClose: every client gets 1001 (going away), then the ws server closes. */
  function closeClients(done: HookHandlerDoneFunction): void {
    // clientTracking: false leaves ws without a client set; those sockets are the user's.
    wss.clients?.forEach((client) => client.close(1001));
    stopListening();
    wss.close();
    done();
  }

  next();
}

/** The upgrade request's logger, on a socket whose errors the default errorHandler reports. */
const kLog = Symbol('fastify-ws-gateway.log');
type LoggedSocket = WebSocket & { [kLog]: FastifyBaseLogger };

/**
 * The default errorHandler, one function for every socket. A protocol error is the client's
 * doing (oversize frame, invalid UTF-8, bad opcode): info, not error, so a client cannot flood
 * the error log; ws closes the socket after the first one.
 */
function logAndTerminate(this: WebSocket, error: Error): void {
  const log = (this as LoggedSocket)[kLog];
  if (isProtocolError(error)) log.info({ err: error }, 'websocket client protocol error');
  else log.error(error);
  this.terminate();
}

/** ws marks the errors a peer causes with a `WS_ERR_*` code. */
function isProtocolError(error: Error): boolean {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}

/**
 * The upgraded socket no longer belongs to the HTTP response; unlink them so both can go.
 * (Fastify's own onTimeout bookkeeping on the socket is released by `reply.hijack()`.)
 */
function releaseUpgrade(socket: Duplex, reply: FastifyReply): void {
  reply.raw.detachSocket(socket as never);
}

const notFound: RouteHandlerMethod = function (_request, reply) {
  reply.code(404).send();
};

function closeUnhandled(this: FastifyInstance, socket: WebSocket, request: FastifyRequest): void {
  this.log.info(
    { path: request.url },
    'closed incoming websocket connection for path with no websocket handler',
  );
  socket.close();
}

/**
 * The websocket plugin, registered under the name `@fastify/websocket`.
 *
 * @example
 * await app.register(fastifyWebsocket);
 * app.get('/echo', { websocket: true }, (socket) => socket.on('message', (m) => socket.send(m)));
 */
const fastifyWebsocket: FastifyPluginCallback<WebsocketPluginOptions> = fp(fastifyWebsocketPlugin, {
  fastify: '5.x',
  name: '@fastify/websocket',
});

export { fastifyWebsocket };
export default fastifyWebsocket;
