/**
 * Type tests for `fastify-ws-gateway/websocket`, compiled by `tsc --noEmit` under `strict`.
 * `@ts-expect-error` lines are what must not compile.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { WebSocket, WebSocketServer } from 'ws';
import fastifyWebsocket from '../../src/websocket';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS form is under test
import fastifyWebsocketCjs = require('../../src/websocket');
import type { WebsocketHandler, WebsocketPluginOptions } from '../../src/websocket';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(value: T): T => value;

// ---- module shape: default import and require() are the same plugin ----------------------
expectTrue<Equal<typeof fastifyWebsocket, typeof fastifyWebsocketCjs>>(true);
expectTrue<Equal<typeof fastifyWebsocket.default, typeof fastifyWebsocket.fastifyWebsocket>>(true);

const app = Fastify();

// ---- registration options ------------------------------------------------------------------
app.register(fastifyWebsocket);
app.register(fastifyWebsocket, {
  options: { maxPayload: 1048576, clientTracking: true, perMessageDeflate: false },
  errorHandler(error, socket, request, reply) {
    expectTrue<Equal<typeof error, Error>>(true);
    expectTrue<Equal<typeof socket, WebSocket>>(true);
    expectTrue<Equal<typeof request, FastifyRequest>>(true);
    expectTrue<Equal<typeof reply, FastifyReply>>(true);
    expectTrue<Equal<typeof this, FastifyInstance>>(true);
    request.log.warn({ err: error, status: reply.statusCode }, 'websocket failed');
    socket.terminate();
  },
  preClose(done) {
    done();
  },
});
app.register(fastifyWebsocket, { preClose: async () => {} });
app.register(fastifyWebsocket, {
  options: {
    verifyClient: (info, next) => next(info.req.headers['x-key'] === 'k'),
    handleProtocols: (protocols) => (protocols.has('v1') ? 'v1' : false),
  },
});
const options: WebsocketPluginOptions = { options: { maxPayload: 1 } };
void options;
// @ts-expect-error `path` is not an option: routing is Fastify's
app.register(fastifyWebsocket, { options: { path: '/ws' } });
// @ts-expect-error errorHandler must be a function
app.register(fastifyWebsocket, { errorHandler: 'nope' });

// ---- decorations ---------------------------------------------------------------------------
expectTrue<Equal<typeof app.websocketServer, WebSocketServer>>(true);
const injected: Promise<WebSocket> = app.injectWS(
  '/ws',
  { headers: { 'api-key': 'k' } },
  {
    onInit: (ws) => ws.on('message', () => {}),
    onOpen: (ws) => ws.send('hi'),
  },
);
void injected;
void app.injectWS();
// @ts-expect-error the path is a string
void app.injectWS(42);

// ---- { websocket: true } shorthand ------------------------------------------------------------
app.get('/ws', { websocket: true }, function (socket, request) {
  expectTrue<Equal<typeof socket, WebSocket>>(true);
  const isUpgrade: boolean = request.ws;
  this.log.info({ isUpgrade }, this.prefix);
  socket.on('message', (message) => socket.send(message));
});
app.get<{ Params: { room: string } }>('/rooms/:room', { websocket: true }, (socket, request) => {
  const room: string = request.params.room;
  socket.send(room);
});
app.get('/async', { websocket: true }, async (socket) => {
  socket.send('async handlers may return a promise');
});
// @ts-expect-error the socket is a ws WebSocket, not a string
app.get('/ws-bad', { websocket: true }, (socket: string) => socket);

// ---- route(): websocket: true, and handler + wsHandler on one URL (upstream issue #314) -----
app.route({
  method: 'GET',
  url: '/route-ws',
  websocket: true,
  handler: (socket, request) => {
    expectTrue<Equal<typeof socket, WebSocket>>(true);
    socket.send(request.url);
  },
});
app.route({
  method: 'GET',
  url: '/hello',
  handler: (request, reply) => {
    expectTrue<Equal<typeof request.ws, boolean>>(true);
    reply.send({ hello: 'world' });
  },
  wsHandler: (socket, request) => {
    expectTrue<Equal<typeof socket, WebSocket>>(true);
    socket.send(`hello ${request.url}`);
  },
});
app.route<{ Params: { room: string } }>({
  method: 'GET',
  url: '/both/:room',
  handler: async (request) => ({ room: request.params.room }),
  wsHandler(socket, request) {
    const room: string = request.params.room;
    this.log.info({ room }, 'joined');
    socket.send(room);
  },
});
app.route({
  method: 'GET',
  url: '/bad',
  handler: async () => 'http',
  // @ts-expect-error wsHandler receives (socket, request), not (request, reply)
  wsHandler: (_request: FastifyRequest, reply: FastifyReply) => reply.send(),
});

// ---- a standalone handler ----------------------------------------------------------------
const standalone: WebsocketHandler = function (socket, request) {
  expectTrue<Equal<typeof this, FastifyInstance>>(true);
  socket.send(String(request.ws));
};
app.get('/standalone', { websocket: true }, standalone);

// A concise arrow may return whatever `socket.on()` returns.
app.get('/concise', { websocket: true }, (socket) => socket.on('message', () => {}));
