import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import type { SocketSession } from './session-types';

const kSession = Symbol('fastify-ws-gateway.session');
type SessionSocket = WebSocket & { [kSession]: SocketSession };

/** The `emit` of a `ws` socket nobody has wrapped: `WebSocket` inherits EventEmitter's. */
const plainEmit = EventEmitter.prototype.emit;

/**
 * Hands the socket's events to `session`. On a plain `ws` socket the session hears them from
 * the socket's own `emit`, set on the instance, before any listener: four listeners, even
 * shared ones, would cost every idle connection about 200 bytes of listener arrays and a
 * larger event table. A socket whose `emit` is not the plain one gets shared listeners.
 */
export function listenTo(socket: WebSocket, session: SocketSession): void {
  (socket as SessionSocket)[kSession] = session;
  if (socket.emit === plainEmit) {
    socket.emit = sessionEmit;
    return;
  }
  socket.on('message', onMessage);
  socket.on('close', onClose);
  socket.on('error', onError);
  socket.on('pong', onPong);
}

/** The session of a gateway socket; undefined for a socket that is not one. */
export function sessionOf(socket: WebSocket): SocketSession | undefined {
  return (socket as Partial<SessionSocket>)[kSession];
}

/**
 * The socket's `emit`: the session first, then the listeners, as a listener attached first
 * would run. An `error` with no listener of its own is the session's alone: it never throws.
 */
function sessionEmit(this: WebSocket, event: string | symbol, a?: unknown, b?: unknown): boolean {
  if (event === 'message') onMessage.call(this, a as RawData, b as boolean);
  else if (event === 'close') onClose.call(this, a as number, b as Buffer);
  else if (event === 'pong') onPong.call(this);
  else if (event === 'error') {
    onError.call(this, a as Error);
    if (this.listenerCount('error') === 0) return true;
  }
  // Passed on as called: no array per frame.
  // eslint-disable-next-line prefer-rest-params
  return plainEmit.apply(this, arguments as unknown as Parameters<typeof plainEmit>);
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as SessionSocket)[kSession].receive(data as Buffer, isBinary);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as SessionSocket)[kSession].closed(code, reason.toString());
}

function onPong(this: WebSocket): void {
  (this as SessionSocket)[kSession].pingRound = 0;
}

// ws emits protocol errors (bad UTF-8, oversized frames) and then closes the socket itself.
function onError(this: WebSocket, error: Error): void {
  const { runtime, connection } = (this as SessionSocket)[kSession];
  runtime.log.debug({ err: error, connectionId: connection.id }, `${runtime.name}: socket error`);
}
