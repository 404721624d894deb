import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

/** A decoded server frame. */
export interface Frame {
  readonly event: string;
  readonly data?: any;
  readonly id?: string | number;
}

/**
 * A real `ws` client that records every frame, so tests can wait for the next matching one
 * without racing the server.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: { match: (frame: Frame) => boolean; resolve: (f: Frame) => void }[] =
    [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.flush();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('error', () => {});
  }

  /** Opens a client and waits until it is open (rejects on a refused upgrade). */
  static open(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`Unexpected server response: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next unread frame matching `match` (frames are consumed in arrival order). */
  next(match: (frame: Frame) => boolean = () => true): Promise<Frame> {
    return new Promise((resolve) => {
      this.waiters.push({ match, resolve });
      this.flush();
    });
  }

  /** The next frame carrying `id`. */
  reply(id: string | number): Promise<Frame> {
    return this.next((frame) => frame.id === id);
  }

  /** Sends a request and waits for the frame with its id. */
  async request(event: string, data: unknown, id: string | number): Promise<Frame> {
    this.send({ event, data, id });
    return this.reply(id);
  }

  /**
   * Pings the server and resolves on its pong, or once the socket closed instead. The server
   * reads a socket's frames in order, so it has received every frame sent before this call.
   */
  roundTrip(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('pong', done);
        resolve();
      };
      this.socket.once('pong', done);
      void this.closed.then(done);
      this.socket.ping();
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close();
    }
    return this.closed;
  }

  private flush(): void {
    for (let w = 0; w < this.waiters.length; w++) {
      const waiter = this.waiters[w];
      const index = this.frames.findIndex((frame) => waiter.match(frame));
      if (index === -1) continue;
      const [frame] = this.frames.splice(index, 1);
      this.waiters.splice(w--, 1);
      waiter.resolve(frame);
    }
  }
}

/** Listens on a random port of 127.0.0.1; returns the `ws://` base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}`;
}

/**
 * Resolves once `condition()` holds, checking on every turn of the event loop. Bounded by
 * `turns` and, so a busy machine does not fail it early, by at least 5 s.
 */
export async function until(condition: () => boolean, turns = 5000): Promise<void> {
  const deadline = Date.now() + 5000;
  for (let i = 0; i < turns || Date.now() < deadline; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

/** A promise with its resolve function, for handlers a test wants to hold open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
