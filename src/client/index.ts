/**
 * `fastify-ws-gateway/client`: a dependency-free client for gateways, in browsers and Node.
 */
import { connectWith, type ConnectOptions } from './connect';
import { defaultWebSocket } from './node-websocket';
import type { UntypedEvents } from './types';
import type { WsClient } from './ws-client';

/**
 * Opens a connection to a gateway. The client reconnects with backoff unless told not to;
 * frames sent before it is open are queued.
 *
 * @example
 * interface ChatEvents {
 *   say: { request: { text: string }; reply: { ok: true } };
 *   said: { push: { user: string; text: string; at: string } };
 * }
 * const client = connect<ChatEvents>('ws://localhost:3000/chat/lobby?name=ada');
 * client.on('said', ({ user, text }) => console.log(`${user}: ${text}`));
 * await client.request('say', { text: 'hello' });
 */
export function connect<E = UntypedEvents>(url: string, options: ConnectOptions = {}): WsClient<E> {
  return connectWith<E>(url, options, defaultWebSocket);
}

export * from './entry-exports';
