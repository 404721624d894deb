/**
 * Browser entry of the client (bundled to `dist/client/browser.js`): the same API as
 * `fastify-ws-gateway/client`, with the browser's own `WebSocket` and no Node code.
 */
import { connectWith, type ConnectOptions } from './connect';
import type { UntypedEvents } from './types';
import type { WsClient } from './ws-client';

/**
 * Opens a connection to a gateway with the browser's `WebSocket`.
 *
 * @example
 * const client = connect(`ws://${location.host}/chat/lobby?name=ada`);
 * await client.request('say', { text: 'hello' });
 */
export function connect<E = UntypedEvents>(url: string, options: ConnectOptions = {}): WsClient<E> {
  return connectWith<E>(url, options, () => globalThis.WebSocket);
}

// The same exports as `fastify-ws-gateway/client` (a test compares them).
export type { ConnectOptions } from './connect';
export {
  DEFAULT_RECONNECT,
  STABLE_CONNECTION_MS,
  isRetryableClose,
  reconnectDelay,
  type ReconnectOptions,
} from './backoff';
export type { ErrorFrameData, FrameId, ServerFrame } from './frames';
export type * from './types';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like';
export { WsClient, type ClientState } from './ws-client';
export { ClientErrorCode, isWsClientError, WsClientError } from './ws-client-error';
