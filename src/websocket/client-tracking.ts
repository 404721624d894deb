/**
 * `wss.clients` kept with one listener per server instead of ws's closure per socket. ws
 * forgets a closed client through a closure it attaches to each socket and keeps for the
 * socket's life: about 100 bytes of every idle connection. The shared listener does what the
 * closure does: forgets the socket, and ends a `wss.close()` that waited for the last client.
 * It reads ws internals (`_shouldEmitClose`, `_state`); where they are not as expected (another
 * ws version), or a socket has close listeners besides ws's, ws's own closure stays.
 */
import type { WebSocket, WebSocketServer } from 'ws';

/** ws's server states: accepting, and closed (its 'close' event emitted). */
const RUNNING = 0;
const CLOSED = 2;

interface ServerInternals {
  clients?: unknown;
  /** Set by `close()` while clients remain: the last one to close emits 'close'. */
  _shouldEmitClose?: unknown;
  _state?: unknown;
}

/**
 * What to call on each socket `wss` accepted, in its connection callback (ws has just added it
 * to `wss.clients`); undefined when ws keeps tracking its clients itself.
 */
export function sharedClientTracking(
  wss: WebSocketServer,
): ((socket: WebSocket) => void) | undefined {
  const server = wss as WebSocketServer & ServerInternals;
  const { clients } = server;
  if (!(clients instanceof Set) || server._shouldEmitClose !== false || server._state !== RUNNING) {
    return undefined;
  }
  function untrack(this: WebSocket): void {
    clients.delete(this);
    if (server._shouldEmitClose === true && clients.size === 0) {
      process.nextTick(emitClose, server);
    }
  }
  return (socket) => {
    // ws's closure is the socket's only close listener yet: anything else, and it stays.
    if (socket.listenerCount('close') !== 1 || !clients.has(socket)) return;
    socket.removeListener('close', socket.listeners('close')[0] as () => void);
    socket.on('close', untrack);
  };
}

/** As ws ends a `close()` once its last client closed. */
function emitClose(server: WebSocketServer & ServerInternals): void {
  server._state = CLOSED;
  server.emit('close');
}
