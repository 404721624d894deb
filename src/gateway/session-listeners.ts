import type { RawData, WebSocket } from 'ws';
import type { SocketSession } from './session-types';

const kSession = Symbol('fastify-ws-gateway.session');
type SessionSocket = WebSocket & { [kSession]: SocketSession };

/**
 * Attaches the session's socket listeners. They are shared functions that find the session on
 * the socket, rather than closures per connection, to keep idle connections small.
 */
export function listenTo(socket: WebSocket, session: SocketSession): void {
  (socket as SessionSocket)[kSession] = session;
  socket.on('message', onMessage);
  socket.on('close', onClose);
  socket.on('error', onError);
  socket.on('pong', onPong);
}

/** The session of a gateway socket; undefined for a socket that is not one. */
export function sessionOf(socket: WebSocket): SocketSession | undefined {
  return (socket as Partial<SessionSocket>)[kSession];
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
