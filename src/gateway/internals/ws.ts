/**
 * The TCP socket under a `ws` socket, which `ws` keeps on the private `_socket` while the
 * connection is open. Used to cork it for the rest of a tick, so the frames written in one
 * tick leave in one system call, and to write a broadcast's frame, built once, to every member.
 * Without it (another `ws` version) each frame is written by `send()` alone: the same bytes,
 * more work and more system calls.
 */
import type { WebSocket } from 'ws';

/** What corking needs from the transport. */
export interface Transport {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
  write(chunk: Buffer): boolean;
}

/** The socket's transport when it has what corking needs, else undefined. */
export function transportOf(socket: WebSocket): Transport | undefined {
  const transport = (socket as unknown as { _socket?: Partial<Transport> | null })._socket;
  if (
    transport === undefined ||
    transport === null ||
    typeof transport.cork !== 'function' ||
    typeof transport.uncork !== 'function' ||
    typeof transport.write !== 'function' ||
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

/** What `ws` keeps of a socket's outbound state: its side, its sender's queue and extensions. */
interface SenderInternals {
  readonly _isServer?: unknown;
  readonly _sender?: { readonly _state?: unknown; readonly _queue?: { readonly length: number } };
  readonly _extensions?: Record<string, unknown>;
}

/** ws's sender state when it writes a frame at once (not compressing or reading a Blob). */
const SENDER_IDLE = 0;

/**
 * One complete server frame of `payload` (FIN set, unmasked, uncompressed, RFC 6455 section
 * 5.2), built once so a broadcast writes the same bytes to every member.
 */
export function serverFrame(payload: string | Buffer, binary: boolean): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = binary ? 0x82 : 0x81;
  if (head === 2) {
    frame[1] = length;
  } else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  if (typeof payload === 'string') frame.write(payload, head, 'utf8');
  else payload.copy(frame, head);
  return frame;
}

/**
 * Writes a `serverFrame` straight to the socket's transport, as ws's sender writes a frame it
 * does not compress, when the socket is a server's, its sender has nothing queued and no
 * extension is negotiated (with permessage-deflate, ws compresses). Returns false when it did
 * not write: then `send()` must.
 */
export function writeFrame(socket: WebSocket, frame: Buffer): boolean {
  const internals = socket as unknown as SenderInternals;
  const { _sender: sender, _extensions: extensions } = internals;
  if (
    // A client's frames are masked, each with its own key.
    internals._isServer !== true ||
    sender === undefined ||
    sender._state !== SENDER_IDLE ||
    sender._queue?.length !== 0 ||
    extensions === undefined ||
    extensions['permessage-deflate'] !== undefined
  ) {
    return false;
  }
  const transport = transportOf(socket);
  if (transport === undefined) return false;
  transport.write(frame);
  return true;
}
