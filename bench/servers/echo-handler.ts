// The hand-written echo handler shared by the raw ws, @fastify/websocket and our plugin
// servers, so those three rows differ only in the layer underneath.
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { ECHO_PATH, TICK_EVENT, tickData } from '../protocol';
import { exitOnStartupError, reportReady } from './control';

/** Replies to `{"event":"echo","data":…,"id":…}` with the same event, data and id. */
export function handleEcho(socket: WebSocket, raw: RawData): void {
  let frame: { event?: unknown; data?: unknown; id?: unknown };
  try {
    frame = JSON.parse(raw.toString());
  } catch {
    return;
  }
  if (frame === null || typeof frame !== 'object' || frame.event !== 'echo') return;
  socket.send(JSON.stringify({ event: 'echo', data: frame.data, id: frame.id }));
}

/** Encodes broadcast `n` once and writes the same bytes to every open client. */
export function broadcastTo(clients: Iterable<WebSocket>, n: number): void {
  const frame = JSON.stringify({ event: TICK_EVENT, data: tickData(n) });
  for (const client of clients) if (client.readyState === 1) client.send(frame);
}

/** A bare `ws` server on the echo path with the handler above; `WebSocketClass` swaps the socket. */
export function serveWsEcho(WebSocketClass: typeof WebSocket = WebSocket): void {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: ECHO_PATH,
    WebSocket: WebSocketClass,
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
}
