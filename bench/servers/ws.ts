// Baseline: a bare `ws` server with the hand-written echo handler.
import { WebSocketServer } from 'ws';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError, reportReady } from './control';
import { broadcastTo, handleEcho } from './echo-handler';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: ECHO_PATH });
wss.on('connection', (socket) => {
  socket.on('message', (raw) => handleEcho(socket, raw));
});
wss.on('error', exitOnStartupError);
wss.on('listening', () => {
  const address = wss.address();
  if (!address || typeof address === 'string')
    exitOnStartupError(new Error(`unexpected address ${address}`));
  reportReady({ port: address.port, broadcast: (n) => broadcastTo(wss.clients, n) });
});
