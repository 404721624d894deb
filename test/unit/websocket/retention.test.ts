/**
 * Nothing is retained per connection: once the websocket handler has run, the plugin holds
 * no reference to the upgrade's IncomingMessage, ServerResponse, Fastify Request or Reply.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import fastifyWebsocket from '../../../src/websocket/plugin';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let app: FastifyInstance;
afterEach(() => app?.close());

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function isCollected(refs: WeakRef<object>[]): Promise<boolean[]> {
  // WeakRef targets stay alive until the current job ends; collect after a turn, twice.
  for (let round = 0; round < 3; round += 1) {
    await nextTurn();
    collectGarbage();
  }
  return refs.map((ref) => ref.deref() === undefined);
}

test.each(['real socket', 'injectWS'])(
  'request, reply and their raw objects can be collected while the socket stays open (%s)',
  async (transport) => {
    app = Fastify({ connectionTimeout: 60_000 });
    await app.register(fastifyWebsocket);
    app.addHook('onTimeout', async () => {}); // Fastify pins request/reply to the socket for it
    const sockets = new Set<WebSocket>(); // what a user keeps: the socket only
    let refs: WeakRef<object>[] = [];
    app.get('/ws', { websocket: true }, (socket, request) => {
      sockets.add(socket);
      refs = [new WeakRef(request), new WeakRef(request.raw)];
      socket.on('message', (data) => socket.send(data));
    });
    let replyRefs: WeakRef<object>[] = [];
    app.addHook('preHandler', async (_request, reply) => {
      replyRefs = [new WeakRef(reply), new WeakRef(reply.raw)];
    });
    await app.ready();

    let client: WebSocket;
    if (transport === 'injectWS') {
      client = await app.injectWS('/ws');
    } else {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      await new Promise((resolve) => client.once('open', resolve));
    }
    const echoed = new Promise((resolve) => client.once('message', resolve));
    client.send('still open');
    await echoed;

    const [request, incomingMessage] = await isCollected(refs);
    const [reply, serverResponse] = await isCollected(replyRefs);
    expect({ request, incomingMessage, reply, serverResponse }).toEqual({
      request: true,
      incomingMessage: true,
      reply: true,
      serverResponse: true,
    });
    expect(sockets.size).toBe(1);
    client.terminate();
  },
);
