// @fastify/websocket 11 with the hand-written echo handler.
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError, reportReady } from './control';
import { broadcastTo, handleEcho } from './echo-handler';

async function main(): Promise<void> {
  const app = Fastify();
  await app.register(fastifyWebsocket);
  app.get(ECHO_PATH, { websocket: true }, (socket) => {
    socket.on('message', (raw) => handleEcho(socket, raw));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  reportReady({
    port: address.port,
    broadcast: (n) => broadcastTo(app.websocketServer.clients, n),
  });
}

main().catch(exitOnStartupError);
