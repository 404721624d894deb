/**
 * Unread frames of a test connection, per event, oldest first: `next(event)` takes the oldest
 * unread one, so frames that arrived before the call are never missed.
 */
import { ClientErrorCode, WsClientError } from '../client/ws-client-error';

/** How the connection ended: `closed` of the test kit resolves with it. */
export interface CloseResult {
  readonly code: number;
  readonly reason: string;
}

interface Waiter {
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class FrameInbox {
  readonly #unread = new Map<string, unknown[]>();
  readonly #waiters = new Map<string, Waiter[]>();
  #ended: CloseResult | undefined;
  #failed: Error | undefined;

  /** Hands a frame's data to the oldest waiter of its event, or keeps it unread. */
  deliver(event: string, data: unknown): void {
    const waiter = this.#waiters.get(event)?.shift();
    if (waiter) return waiter.resolve(data);
    let unread = this.#unread.get(event);
    if (!unread) this.#unread.set(event, (unread = []));
    unread.push(data);
  }

  /** The oldest unread frame of `event`; rejects with `not_connected` once the socket closed without one. */
  next(event: string): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed);
    const unread = this.#unread.get(event);
    if (unread?.length) return Promise.resolve(unread.shift());
    if (this.#ended) return Promise.reject(this.#endedError(event, this.#ended));
    return new Promise((resolve, reject) => {
      let waiters = this.#waiters.get(event);
      if (!waiters) this.#waiters.set(event, (waiters = []));
      waiters.push({ resolve, reject });
    });
  }

  /** The test must fail: every waiter, and every later `next()`, rejects with `error`. */
  fail(error: Error): void {
    this.#failed ??= error;
    for (const waiters of this.#waiters.values()) {
      for (const waiter of waiters.splice(0)) waiter.reject(this.#failed);
    }
  }

  /** The first error passed to `fail()`, if any. */
  get failure(): Error | undefined {
    return this.#failed;
  }

  /** The socket closed: whoever still waits will never get a frame. */
  end(result: CloseResult): void {
    this.#ended = result;
    for (const [event, waiters] of this.#waiters) {
      for (const waiter of waiters.splice(0)) waiter.reject(this.#endedError(event, result));
    }
  }

  #endedError(event: string, { code, reason }: CloseResult): WsClientError {
    return new WsClientError(
      ClientErrorCode.NotConnected,
      `The connection closed (code ${code}${reason ? `, "${reason}"` : ''}) before a "${event}" frame arrived`,
    );
  }
}
