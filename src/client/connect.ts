/**
 * `connect()` without a default WebSocket class: the Node entry (`index.ts`) and the browser
 * entry (`browser-entry.ts`) each supply theirs.
 */
import { resolveReconnect, type ReconnectOptions } from './backoff';
import type { UntypedEvents } from './types';
import type { WebSocketConstructor } from './websocket-like';
import { WsClient } from './ws-client';

/** Options of `connect(url, options)`. */
export interface ConnectOptions {
  /** Reconnect after the server goes away: `true` (default), `false`, or backoff settings. */
  readonly reconnect?: boolean | Partial<ReconnectOptions>;
  /** How long a request waits for its reply, queued time included. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** Frames kept while not connected, sent in order on open; beyond it `not_connected`. Default 100. */
  readonly maxQueuedFrames?: number;
  /** WebSocket class. Default: `globalThis.WebSocket`, in Node without one the `ws` package. */
  readonly WebSocket?: WebSocketConstructor;
  /** Subprotocols offered in the upgrade. */
  readonly protocols?: string | string[];
}

export function connectWith<E>(
  url: string,
  options: ConnectOptions,
  defaultWebSocket: () => WebSocketConstructor,
): WsClient<E> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxQueuedFrames = options.maxQueuedFrames ?? 100;
  if (!(requestTimeoutMs > 0) || !Number.isFinite(requestTimeoutMs)) {
    throw new TypeError(
      `connect(): requestTimeoutMs must be a finite number > 0, got ${requestTimeoutMs}`,
    );
  }
  if (!Number.isInteger(maxQueuedFrames) || maxQueuedFrames < 0) {
    throw new TypeError(
      `connect(): maxQueuedFrames must be an integer >= 0, got ${maxQueuedFrames}`,
    );
  }
  return new WsClient<E>(url, {
    WebSocket: options.WebSocket ?? defaultWebSocket(),
    protocols: options.protocols,
    requestTimeoutMs,
    maxQueuedFrames,
    reconnect: resolveReconnect(options.reconnect),
  });
}

export type { UntypedEvents };
