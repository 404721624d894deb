// The hand-written echo handler on Fastify, served through whichever websocket plugin the
// caller passes: both plugins run literally the same application code.
import Fastify from 'fastify';
import type upstreamPlugin from '@fastify/websocket';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError, reportReady } from './control';
import { broadcastTo, handleEcho } from './echo-handler';

// Typed as upstream's plugin: ours, a drop-in, must fit the same slot.
type WebsocketPlugin = typeof upstreamPlugin;

export function serveFastifyEcho(plugin: WebsocketPlugin): void {
  main(plugin).catch(exitOnStartupError);
}

async function main(plugin: WebsocketPlugin): Promise<void> {
  const app = Fastify();
  await app.register(plugin);
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
