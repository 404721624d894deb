// Reference: raw `ws` plus the one trick our outbound path uses. A `WebSocket` subclass corks
// its transport on the first send of a tick and uncorks on the next tick, so every frame of a
// tick leaves in one system call. Same echo handler, so it answers byte for byte like ws.ts.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { serveWsEcho } from './echo-handler';

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

serveWsEcho(CorkedWebSocket);
