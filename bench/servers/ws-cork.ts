// Reference: raw `ws` plus the one trick our outbound path uses. A `WebSocket` subclass corks
// its transport on the first send of a tick and uncorks on the next tick, so every frame of a
// tick leaves in one system call. Same echo handler, so it answers byte for byte like ws.ts.
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ECHO_PATH } from '../protocol';
import { exitOnStartupError, reportReady } from './control';
import { broadcastTo, handleEcho } from './echo-handler';

function uncork(transport: Socket): void {
  transport.uncork();
}

class CorkedWebSocket extends WebSocket {}

const send = WebSocket.prototype.send as (this: WebSocket, ...args: unknown[]) => void;
CorkedWebSocket.prototype.send = function (this: WebSocket, ...args: unknown[]): void {
  // `ws` keeps the TCP socket on `_socket` while the connection is open.
  const transport = (this as unknown as { _socket?: Socket })._socket;
  if (transport !== undefined && transport.writableCorked === 0) {
    transport.cork();
    process.nextTick(uncork, transport);
  }
  send.apply(this, args);
} as WebSocket['send'];

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  path: ECHO_PATH,
  WebSocket: CorkedWebSocket,
});
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
