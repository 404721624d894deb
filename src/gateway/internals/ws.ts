/**
 * The TCP socket under a `ws` socket, which `ws` keeps on the private `_socket` while the
 * connection is open. Used only to cork it for the rest of a tick, so the frames written in one
 * tick leave in one system call. Without it (another `ws` version) each frame is written by
 * `send()` alone: the same bytes, more system calls.
 */
import type { WebSocket } from 'ws';

/** What corking needs from the transport. */
export interface Transport {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

/** The socket's transport when it has what corking needs, else undefined. */
export function transportOf(socket: WebSocket): Transport | undefined {
  const transport = (socket as unknown as { _socket?: Partial<Transport> | null })._socket;
  if (
    transport === undefined ||
    transport === null ||
    typeof transport.cork !== 'function' ||
    typeof transport.uncork !== 'function' ||
    typeof transport.writableCorked !== 'number'
  ) {
    return undefined;
  }
  return transport as Transport;
}

function uncork(transport: Transport): void {
  transport.uncork();
}

/**
 * Holds what is written to `socket` for the rest of this tick (replies to one TCP read, a burst
 * of broadcasts) and sends it in one system call. Returns whether it could; `bufferedAmount`
 * still counts corked bytes.
 */
export function corkUntilNextTick(socket: WebSocket): boolean {
  const transport = transportOf(socket);
  if (transport === undefined) return false;
  if (transport.writableCorked > 0) return true;
  transport.cork();
  process.nextTick(uncork, transport);
  return true;
}
