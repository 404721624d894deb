import { WebSocket } from 'ws';
import { CloseCode, WIRE_ERROR_MESSAGES, type WireErrorCode } from '../errors';
import type { OutboundFrame } from './codec';
import { corkUntilNextTick, writeFrame } from './internals/ws';
import { timerDelay } from './timer-delay';

/** How long a slow reader closed with 1013 has to finish the close handshake before it is cut. */
export const SLOW_READER_GRACE_MS = 1000;

const BINARY = Object.freeze({ binary: true });

/**
 * Writes one encoded frame unless the socket is not open. A socket whose outbound buffer is
 * above `maxBufferedBytes` is closed with 1013 instead: the frame is dropped, nothing waits.
 * `frame`, the payload's `serverFrame` built once per broadcast, is written as it is when ws
 * allows; otherwise `send()` frames the payload for this socket.
 */
export function writePayload(
  socket: WebSocket,
  payload: string | Buffer,
  maxBufferedBytes: number,
  binary: boolean,
  frame?: Buffer,
): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount > maxBufferedBytes) {
    closeSlowReader(socket);
    return;
  }
  corkUntilNextTick(socket);
  if (frame !== undefined && writeFrame(socket, frame)) return;
  if (binary) socket.send(payload, BINARY);
  else socket.send(payload);
}

/** The close code and reason the server chose, per socket it closed. */
export interface ChosenClose {
  readonly code: number;
  readonly reason: string;
}

const chosenCloses = new WeakMap<WebSocket, ChosenClose>();

/**
 * Starts the close handshake of an open socket and remembers the code, so `@OnClose` reports
 * it even when the peer never answers (ws would report 1006). A peer that has not completed
 * the handshake after `graceMs` is cut off, instead of after ws's own 30 s.
 */
export function closeSocket(
  socket: WebSocket,
  code: number,
  reason: string,
  graceMs: number,
): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  chosenCloses.set(socket, { code, reason });
  socket.close(code, reason);
  if (graceMs === Infinity) return;
  const cut = setTimeout(() => socket.terminate(), timerDelay(graceMs)).unref();
  socket.once('close', () => clearTimeout(cut));
}

/** The close the server started on `socket`, if it started one. */
export function chosenClose(socket: WebSocket): ChosenClose | undefined {
  return chosenCloses.get(socket);
}

// The close frame queues behind the unread bytes; a peer that never reads them is cut off
// after a grace period so the buffered memory is released.
function closeSlowReader(socket: WebSocket): void {
  closeSocket(socket, CloseCode.TryAgainLater, 'Outbound buffer full', SLOW_READER_GRACE_MS);
}

/** The `{ event: 'error' }` frame for a built-in or user error code. */
export function errorFrame(
  code: string,
  message: string,
  details: unknown,
  id: string | number | undefined,
): OutboundFrame {
  const data = details === undefined ? { code, message } : { code, message, details };
  return id === undefined ? { event: 'error', data } : { event: 'error', data, id };
}

/** The error frame of a built-in wire code, with its fixed message. */
export function wireErrorFrame(
  code: WireErrorCode,
  id: string | number | undefined,
  details?: unknown,
): OutboundFrame {
  return errorFrame(code, WIRE_ERROR_MESSAGES[code], details, id);
}

/** The reply to a request: always one frame when it has an `id`, else only a defined result. */
export function replyFrame(
  event: string,
  id: string | number | undefined,
  result: unknown,
): OutboundFrame | undefined {
  if (id !== undefined) return { event, data: result === undefined ? null : result, id };
  return result === undefined ? undefined : { event, data: result };
}
