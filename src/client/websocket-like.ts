/**
 * The slice of the WebSocket API the client uses, met by the browser's `WebSocket`, Node's
 * global one and the `ws` package alike.
 */

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket class: `globalThis.WebSocket`, `require('ws')`, or a test double. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** `readyState` of an open socket (the same in every implementation). */
export const OPEN = 1;
