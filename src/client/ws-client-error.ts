/**
 * The error a request rejects with: a server error frame (`validation_failed`,
 * `unknown_event`, user codes from `WsException`…) or a client-side failure (`timeout`,
 * `not_connected`). Shared by the client and the test kit.
 */

/** Codes the client produces itself, without a server frame. */
export const ClientErrorCode = {
  /** No reply arrived within `requestTimeoutMs`. */
  Timeout: 'timeout',
  /** The frame could not be sent, or the connection closed before the reply arrived. */
  NotConnected: 'not_connected',
  /**
   * The server sent something that is not a JSON object with a string `event` (not the
   * server's `bad_frame`, which says the server could not read what the client sent).
   */
  UnreadableFrame: 'unreadable_frame',
} as const;

/**
 * A failed request, with the code a program can act on.
 *
 * @example
 * try {
 *   await client.request('say', { text: '' });
 * } catch (error) {
 *   if (isWsClientError(error) && error.code === 'validation_failed') showProblems(error.details);
 * }
 */
export class WsClientError extends Error {
  constructor(
    readonly code: string,
    message: string = code,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'WsClientError';
  }
}

/** True for a `WsClientError`, also one made by another copy of this package. */
export function isWsClientError(value: unknown): value is WsClientError {
  return (
    value instanceof WsClientError ||
    (value instanceof Error &&
      value.name === 'WsClientError' &&
      typeof (value as WsClientError).code === 'string')
  );
}
