// The hand-written echo handler shared by the raw ws, @fastify/websocket and our plugin
// servers, so those three rows differ only in the layer underneath.
import type { RawData, WebSocket } from 'ws';
import { TICK_EVENT, tickData } from '../protocol';

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
