/**
 * What both client entries export besides `connect()`: the Node entry (`index.ts`) and the
 * browser build (`browser-entry.ts`) re-export this file, so their APIs cannot drift apart.
 */
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
export { WsClient, type ClientState, type ResolvedClientOptions } from './ws-client';
export { ClientErrorCode, isWsClientError, WsClientError } from './ws-client-error';
