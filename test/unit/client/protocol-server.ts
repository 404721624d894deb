/**
 * A plain `ws` server speaking the gateway protocol, for client tests: it can be stopped and
 * restarted on the same port, and its behaviour per event is fixed below.
 *
 * - `echo` replies with its data; `slow-echo` replies after the next `echo` was answered
 * - `fail` answers with an error frame carrying the request id
 * - `silent` never answers
 * - `push` sends `{ event: data.event, data: data.data }` without id, then replies `null`
 * - `shout-error` sends an error frame without id
 * - `kick` closes the connection with `data.code`
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ReceivedFrame {
  readonly event: string;
  readonly data?: unknown;
  readonly id?: number | string;
}

export class ProtocolServer {
  /** Every frame received, across restarts, in order. */
  readonly received: ReceivedFrame[] = [];
  /** Number of upgrades accepted, across restarts. */
  connections = 0;
  #server: WebSocketServer | undefined;
  #port = 0;
  #connectionWaiters: (() => void)[] = [];
  #delayed: (() => void)[] = [];
  #frameWaiters: ((frame: ReceivedFrame) => void)[] = [];

  get port(): number {
    return this.#port;
  }

  url(path = '/'): string {
    return `ws://127.0.0.1:${this.#port}${path}`;
  }

  /** Listens on port 0 the first time, on the same port after a stop. */
  async start(): Promise<void> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: this.#port });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.#port = (server.address() as AddressInfo).port;
    server.on('connection', (socket) => this.#accept(socket));
    this.#server = server;
  }

  /** Closes every connection with `code` (1006 = drop without a close frame), then the server. */
  async stop(code = 1006): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const socket of server.clients) {
      if (code === 1006) socket.terminate();
      else socket.close(code, 'server stopping');
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves when the number of accepted connections reaches `count`. */
  waitForConnections(count: number): Promise<void> {
    if (this.connections >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.connections >= count) resolve();
        else this.#connectionWaiters.push(check);
      };
      this.#connectionWaiters.push(check);
    });
  }

  /** Resolves with the next frame the server receives. */
  nextFrame(): Promise<ReceivedFrame> {
    return new Promise((resolve) => this.#frameWaiters.push(resolve));
  }

  #accept(socket: WebSocket): void {
    this.connections++;
    const waiters = this.#connectionWaiters.splice(0);
    for (const waiter of waiters) waiter();
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as ReceivedFrame;
      this.received.push(frame);
      for (const waiter of this.#frameWaiters.splice(0)) waiter(frame);
      this.#answer(socket, frame);
    });
  }

  #answer(socket: WebSocket, { event, data, id }: ReceivedFrame): void {
    const send = (frame: object): void => socket.send(JSON.stringify(frame));
    const input = (data ?? {}) as { event?: string; data?: unknown; code?: number };
    switch (event) {
      case 'echo':
        send({ event, data, id });
        for (const release of this.#delayed.splice(0)) release();
        return;
      case 'slow-echo':
        this.#delayed.push(() => send({ event, data, id }));
        return;
      case 'fail':
        return send({
          event: 'error',
          data: {
            code: 'validation_failed',
            message: 'Message body failed validation',
            details: [{ path: 'text' }],
          },
          id,
        });
      case 'silent':
        return;
      case 'push':
        send({ event: input.event, data: input.data });
        return send({ event, data: null, id });
      case 'shout-error':
        return send({
          event: 'error',
          data: { code: 'rate_limited', message: 'Too many messages' },
        });
      case 'kick':
        return socket.close(input.code, 'kicked');
    }
  }
}
