/**
 * Browser entry of the client (bundled to `dist/client/browser.js`, the `browser` condition of
 * `fastify-ws-gateway/client`): the same API as the Node entry, with the browser's own
 * `WebSocket` and no Node code (never `ws`).
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

export * from './entry-exports';
