/**
 * `wss.clients` with one shared close listener instead of ws's closure per socket: the same
 * set, the same `close()` that waits for the last client, with the pinned ws; ws's own closure
 * where its internals differ or a socket has close listeners of its own.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { sharedClientTracking } from '../../../src/websocket/client-tracking';
import fastifyWebsocket from '../../../src/websocket/plugin';

let app: FastifyInstance | undefined;
const servers: WebSocketServer[] = [];
const https: Server[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const http of https.splice(0)) await new Promise((resolve) => http.close(resolve));
  await app?.close();
  app = undefined;
});

function connect(url: string): Promise<WebSocket> {
  const client = new WebSocket(url);
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('error', reject);
  });
}

const closed = (socket: WebSocket) => new Promise((resolve) => socket.once('close', resolve));

async function pluginApp(): Promise<{ url: string; accepted: WebSocket[] }> {
  app = Fastify();
  await app.register(fastifyWebsocket);
  const accepted: WebSocket[] = [];
  app.get('/ws', { websocket: true }, (socket) => {
    accepted.push(socket);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`, accepted };
}

/**
 * A ws server on an HTTP server of its own (port 0), `track` applied to each client as the
 * plugin does. On a given server, as on the plugin's, ws's `close()` waits for the clients.
 */
async function wsServer(
  options: ConstructorParameters<typeof WebSocketServer>[0],
  prepare: (server: WebSocketServer) => void = () => {},
): Promise<{ server: WebSocketServer; url: string; accepted: WebSocket[] }> {
  const http = createServer();
  https.push(http);
  const server = new WebSocketServer({ ...options, server: http });
  servers.push(server);
  prepare(server);
  const track = sharedClientTracking(server);
  const accepted: WebSocket[] = [];
  server.on('connection', (socket) => {
    track?.(socket);
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { server, url: `ws://127.0.0.1:${port}`, accepted };
}

test('with the pinned ws, every client has the one shared close listener, and wss.clients stays exact', async () => {
  const { url, accepted } = await pluginApp();
  const [a, b] = [await connect(url), await connect(url)];
  const wss = app!.websocketServer;
  expect([...wss.clients]).toEqual(accepted);
  const listeners = accepted.map((socket) => socket.listeners('close'));
  expect(listeners[0]).toHaveLength(1);
  expect(listeners[1]).toEqual(listeners[0]);
  a.close();
  await closed(accepted[0]);
  expect([...wss.clients]).toEqual([accepted[1]]);
  b.terminate();
  await closed(accepted[1]);
  expect(wss.clients.size).toBe(0);
});

test("wss.close() waits for the last client, then the server is closed, as ws's own tracking does", async () => {
  const { server, url, accepted } = await wsServer({});
  await connect(url);
  await connect(url);
  expect(accepted[0].listeners('close')).toEqual(accepted[1].listeners('close'));
  let emitted = 0;
  server.on('close', () => emitted++);
  const done = new Promise((resolve) => server.close(resolve));
  accepted[0].terminate();
  await closed(accepted[0]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(emitted).toBe(0);
  accepted[1].terminate();
  await done;
  expect(emitted).toBe(1);
  const again = await new Promise<Error | undefined>((resolve) => server.close(resolve));
  expect(again?.message).toBe('The server is not running');
});

test('a server whose clients all left closes at once, emitting close once', async () => {
  const { server, url, accepted } = await wsServer({});
  await connect(url);
  accepted[0].terminate();
  await closed(accepted[0]);
  let emitted = 0;
  server.on('close', () => emitted++);
  await new Promise((resolve) => server.close(resolve));
  expect(emitted).toBe(1);
});

test('without client tracking, or with other ws internals, ws keeps its own closure per socket', async () => {
  expect(sharedClientTracking(new WebSocketServer({ noServer: true, clientTracking: false }))).toBe(
    undefined,
  );
  const { server, url, accepted } = await wsServer({}, (wss) => {
    delete (wss as unknown as { _shouldEmitClose?: boolean })._shouldEmitClose;
  });
  await connect(url);
  await connect(url);
  const [first, second] = accepted.map((socket) => socket.listeners('close')[0]);
  expect(first).not.toBe(second);
  expect(server.clients.size).toBe(2);
});

test('a socket with close listeners besides ws’s keeps ws’s closure, and still leaves wss.clients', async () => {
  class ListeningSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('close', () => {});
    }
  }
  const { server, url, accepted } = await wsServer({
    WebSocket: ListeningSocket as unknown as typeof WebSocket,
  });
  const client = await connect(url);
  expect(accepted[0].listeners('close')).toHaveLength(2);
  client.close();
  await closed(accepted[0]);
  expect(server.clients.size).toBe(0);
});
