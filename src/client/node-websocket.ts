/**
 * Picks the WebSocket class in Node: the global one where present (Node ≥ 22), else the
 * `ws` package, loaded only here so the browser build never reaches it.
 */
import type { WebSocketConstructor } from './websocket-like';

export function defaultWebSocket(): WebSocketConstructor {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  // Lazy on purpose: browsers and bundles that pass `WebSocket` never load `ws`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ws') as WebSocketConstructor;
}
