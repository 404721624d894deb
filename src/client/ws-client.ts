/**
 * The protocol client: one logical connection that survives reconnects, requests matched to
 * replies by id, fire-and-forget frames, pushes and state events.
 */
import {
  STABLE_CONNECTION_MS,
  isRetryableClose,
  reconnectDelay,
  type ReconnectOptions,
} from './backoff';
import { encodeFrame, errorFromFrame, unreadableFrameError } from './frames';
import { ListenerRegistry, type Listener } from './listener-registry';
import { PendingRequests, routeFrame } from './pending-requests';
import type {
  DataArgs,
  ListenData,
  ListenEvent,
  ReplyData,
  RequestData,
  RequestEvent,
  StateEvents,
  UntypedEvents,
} from './types';
import { OPEN, type WebSocketConstructor, type WebSocketLike } from './websocket-like';
import { ClientErrorCode, WsClientError } from './ws-client-error';

/** `connecting` → `open` → (`reconnecting` → `connecting` → `open`)… → `closed` (final). */
export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Settings after defaults, as the client uses them. */
export interface ResolvedClientOptions {
  readonly WebSocket: WebSocketConstructor;
  readonly protocols?: string | string[];
  readonly requestTimeoutMs: number;
  readonly maxQueuedFrames: number;
  /** Undefined when reconnect is off. */
  readonly reconnect?: ReconnectOptions;
}

interface QueuedFrame {
  readonly text: string;
  /** Set for requests: a request that timed out while queued is not sent. */
  readonly id?: number;
}

const STATE_EVENTS: ReadonlySet<string> = new Set<keyof StateEvents>([
  'open',
  'close',
  'reconnecting',
  'error',
]);

/**
 * A connection to a gateway, made by `connect()`. Frames sent while the socket is not open
 * are queued (up to `maxQueuedFrames`) and flushed in order when it opens.
 */
export class WsClient<E = UntypedEvents> {
  #state: ClientState = 'connecting';
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  /** When the current socket opened; the backoff starts over only after a stable connection. */
  #openedAt: number | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #queue: QueuedFrame[] = [];
  readonly #requests: PendingRequests;
  readonly #listeners = new ListenerRegistry();
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  constructor(
    readonly url: string,
    private readonly options: ResolvedClientOptions,
  ) {
    this.#requests = new PendingRequests(options.requestTimeoutMs);
    this.#open();
  }

  /** Where the connection stands; `closed` is final. */
  get state(): ClientState {
    return this.#state;
  }

  /**
   * Sends `event` with a fresh id and resolves with the reply's `data`. Rejects with a
   * `WsClientError`: the server's error code, `timeout`, or `not_connected` (client closed,
   * queue full, or the connection dropped before the reply).
   *
   * @example
   * const { ok } = await client.request('say', { text: 'hi' });
   */
  request<K extends RequestEvent<E>>(
    event: K,
    ...[data]: DataArgs<RequestData<E, K>>
  ): Promise<ReplyData<E, K>> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError(event));
    const { id, reply } = this.#requests.open(event);
    if (!this.#send({ text: encodeFrame(event, data, id), id })) {
      this.#requests.fail(id, this.#queueFullError(event));
    }
    return reply as Promise<ReplyData<E, K>>;
  }

  /**
   * Sends `event` without an id: no reply, no error frame. False when the frame was dropped
   * (client closed, or the queue of unsent frames is full).
   *
   * @example
   * client.emit('typing', { on: true });
   */
  emit<K extends RequestEvent<E>>(event: K, ...[data]: DataArgs<RequestData<E, K>>): boolean {
    if (this.#state === 'closed') return false;
    return this.#send({ text: encodeFrame(event, data) });
  }

  /**
   * Listens to a pushed event or a state event (`open`, `close`, `reconnecting`, `error`).
   * Returns a function that removes the listener.
   *
   * @example
   * client.on('said', ({ user, text }) => render(user, text));
   * client.on('close', ({ code, willReconnect }) => showOffline(code, willReconnect));
   */
  on<K extends ListenEvent<E>>(event: K, listener: (data: ListenData<E, K>) => void): () => void {
    this.#listeners.add(event, listener as Listener);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends ListenEvent<E>>(event: K, listener: (data: ListenData<E, K>) => void): void {
    this.#listeners.remove(event, listener as Listener);
  }

  /**
   * Closes for good: no reconnect, pending and queued requests reject with `not_connected`.
   * Resolves once the socket is closed.
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (!this.#closed) {
      this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
      const socket = this.#socket;
      this.#finish();
      if (socket) socket.close(code, reason);
      else this.#resolveClosed?.();
    }
    return this.#closed;
  }

  #open(): void {
    this.#state = 'connecting';
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.url, this.options.protocols);
    } catch (error) {
      // The first attempt throws to the caller of connect() (a bad URL is a programmer error).
      if (this.#attempt === 0) throw error;
      this.#dropped(1006, String(error));
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#state = 'open';
      this.#openedAt = Date.now();
      this.#flush();
      this.#listeners.dispatch('open', undefined);
    };
    socket.onmessage = (event: { data: unknown }) => {
      routeFrame(event.data, this.#requests, {
        push: (name, data) => {
          if (name === 'error') this.#listeners.dispatch('error', errorFromFrame(data));
          else if (!STATE_EVENTS.has(name)) this.#listeners.dispatch(name, data);
        },
        unreadable: () => this.#listeners.dispatch('error', unreadableFrameError()),
      });
    };
    // Without an error listener `ws` would crash the process; the close event that follows says it all.
    socket.onerror = () => {};
    socket.onclose = (event: { code: number; reason: string }) => {
      this.#socket = undefined;
      this.#dropped(event.code, event.reason);
      this.#resolveClosed?.();
    };
  }

  /** The socket closed: fail what was sent, then reconnect or stop. */
  #dropped(code: number, reason: string): void {
    this.#requests.failAll(
      (event) =>
        new WsClientError(
          ClientErrorCode.NotConnected,
          `The connection closed (code ${code}) before the reply to "${event}" arrived; the request may or may not have been handled`,
        ),
      true,
    );
    const backoff = this.options.reconnect;
    const willReconnect =
      this.#state !== 'closed' && backoff !== undefined && isRetryableClose(code);
    this.#listeners.dispatch('close', { code, reason, willReconnect });
    if (!willReconnect || this.#state === 'closed') return this.#finish();
    this.#state = 'reconnecting';
    const openedAt = this.#openedAt;
    this.#openedAt = undefined;
    if (openedAt !== undefined && Date.now() - openedAt >= STABLE_CONNECTION_MS) this.#attempt = 0;
    const attempt = ++this.#attempt;
    const delayMs = reconnectDelay(attempt, backoff);
    this.#reconnectTimer = setTimeout(() => this.#open(), delayMs);
    this.#listeners.dispatch('reconnecting', { attempt, delayMs });
  }

  /** Enters the final state: nothing is sent any more, everything waiting is rejected. */
  #finish(): void {
    this.#state = 'closed';
    clearTimeout(this.#reconnectTimer);
    this.#queue = [];
    this.#requests.failAll((event) => this.#closedError(event));
  }

  #send(frame: QueuedFrame): boolean {
    const socket = this.#socket;
    if (this.#state === 'open' && socket?.readyState === OPEN) {
      socket.send(frame.text);
      if (frame.id !== undefined) this.#requests.markSent(frame.id);
      return true;
    }
    if (this.#queue.length >= this.options.maxQueuedFrames) return false;
    this.#queue.push(frame);
    return true;
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const frame of queue) {
      if (frame.id === undefined || this.#requests.has(frame.id)) this.#send(frame);
    }
  }

  #closedError(event: string): WsClientError {
    return new WsClientError(
      ClientErrorCode.NotConnected,
      `Cannot send "${event}": the client is closed (client.close() was called or the server closed with a final code); call connect() again`,
    );
  }

  #queueFullError(event: string): WsClientError {
    return new WsClientError(
      ClientErrorCode.NotConnected,
      `Cannot send "${event}": not connected and ${this.options.maxQueuedFrames} frames already wait for the connection (raise maxQueuedFrames or wait for the "open" event)`,
    );
  }
}
