/** injectWS edge cases: defaults, split or odd responses, a server that hangs up. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import fastifyWebsocket from '../../../src/websocket/plugin';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appAnsweringRaw(answer: (socket: Socket) => void): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(fastifyWebsocket);
  app.addHook('onRequest', (request, reply) => {
    reply.hijack();
    answer(request.raw.socket);
  });
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  return app;
}

test('with no arguments it connects to "/"', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  app.get('/', { websocket: true }, (socket, request) => socket.send(request.url));
  await app.ready();
  const messages: string[] = [];
  const ws = await app.injectWS(undefined, undefined, {
    onOpen: (client) => client.on('message', (data) => messages.push(String(data))),
  });
  await new Promise((resolve) => ws.once('message', resolve));
  expect(messages).toEqual(['/']);
  ws.terminate();
});

test('a response whose head arrives in pieces is read whole', async () => {
  await appAnsweringRaw((socket) => {
    socket.write('HTTP/1.1 418 I');
    socket.write("'m a teapot\r\ncontent-length: 0\r\n\r\n");
    socket.end();
  });
  await expect(app.injectWS('/ws')).rejects.toEqual(new Error('Unexpected server response: 418'));
});

test('a response that is not HTTP rejects with the status it could not read', async () => {
  await appAnsweringRaw((socket) => {
    socket.write('nonsense\r\n\r\n');
    socket.end();
  });
  await expect(app.injectWS('/ws')).rejects.toThrow('Unexpected server response: NaN');
});

test('a server that hangs up without answering rejects with "socket hang up"', async () => {
  await appAnsweringRaw((socket) => socket.destroy());
  await expect(app.injectWS('/ws')).rejects.toThrow('socket hang up');
});

test('frames sent with the 101 in one write reach the client', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  // A hand-written handshake and a first frame, in one write.
  app.addHook('onRequest', (request, reply) => {
    reply.hijack();
    const frame = Buffer.from([0x81, 0x02, 0x68, 0x69]); // text "hi"
    request.raw.socket.write(
      Buffer.concat([
        Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'),
        frame,
      ]),
    );
  });
  app.get('/ws', { websocket: true }, () => {});
  await app.ready();
  let first!: Promise<string>;
  const ws = await app.injectWS(
    '/ws',
    {},
    {
      onOpen: (client) =>
        (first = new Promise((resolve) => client.once('message', (d) => resolve(String(d))))),
    },
  );
  expect(await first).toBe('hi');
  ws.terminate();
});

test('the injected client answers pings, like a real ws client', async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  let pong!: Promise<string>;
  app.get('/ws', { websocket: true }, (socket) => {
    pong = new Promise((resolve) => socket.once('pong', (data) => resolve(String(data))));
    socket.ping('are you there');
  });
  await app.ready();
  const ws = await app.injectWS('/ws');
  expect(await pong).toBe('are you there');
  ws.terminate();
});
