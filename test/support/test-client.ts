import WebSocket, { type ClientOptions, type RawData } from 'ws';
import { within } from './waiting';

/**
 * A frame as the server sent it. `raw` (not enumerable, so `toEqual` ignores it) keeps the
 * text; a frame that is not JSON has only `raw`, so assertions on it fail with the text visible.
 */
export interface ServerFrame {
  readonly event: string;
  readonly data?: any;
  readonly id?: string | number;
  readonly raw: string;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

let nextId = 1;

/** A request id unique in this test process. */
export function uniqueId(): number {
  return nextId++;
}

/** The `code` of an error frame, or undefined for any other frame. */
export function errorCode(frame: ServerFrame): string | undefined {
  if (frame.event !== 'error') return undefined;
  const data = frame.data as { code?: unknown } | null;
  return typeof data?.code === 'string' ? data.code : undefined;
}

/**
 * A real `ws` client that records every frame and its close from the first tick (listeners are
 * attached in the constructor, so nothing sent early is missed). Two ways to wait:
 * `next()`/`reply()` consume frames in arrival order (`unread` holds the rest), while
 * `waitFor()` looks at every frame received (`frames`), consumed or not.
 */
export class TestClient {
  readonly socket: WebSocket;
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  /** Frames not yet taken by `next()`, `reply()` or `request()`. */
  readonly unread: ServerFrame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  /** Pings received from the server. */
  pings = 0;
  private readonly waiters = new Set<() => void>();
  private closedWith: Closed | undefined;

  constructor(url: string, options: ClientOptions = {}) {
    this.socket = new WebSocket(url, { perMessageDeflate: false, ...options });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`Unexpected server response: ${response.statusCode}`)),
      );
    });
    // A refused upgrade is asserted through `opened`; keep it from being an unhandled rejection.
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
        this.notify();
      });
    });
    this.socket.on('error', () => {}); // errors end in 'close', which the tests assert
    this.socket.on('message', (data, isBinary) => this.record(data, isBinary));
    this.socket.on('ping', () => this.pings++);
  }

  /** Opens a client and waits until it is open (rejects on a refused upgrade). */
  static async open(url: string, options?: ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, options);
    await within(client.opened, 5_000, `opening ${url}`);
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends an object as JSON, a string as a text frame, a Buffer as a binary frame. */
  send(frame: unknown): void {
    if (Buffer.isBuffer(frame)) this.socket.send(frame, { binary: true });
    else this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends bytes as a text frame as they are, valid UTF-8 or not (`ws` does not check on send). */
  sendTextBytes(bytes: Buffer): void {
    this.socket.send(bytes, { binary: false });
  }

  /** Sends `{ event, data, id }` and resolves with (and takes) the one frame carrying that id. */
  request(
    event: string,
    data: unknown,
    id: string | number = uniqueId(),
    ms = 10_000,
  ): Promise<ServerFrame> {
    this.send({ event, data, id });
    return within(this.reply(id), ms, `reply to ${event} #${id}`);
  }

  /** Takes the oldest unread frame matching `match`, waiting for it if need be. */
  next(match: (frame: ServerFrame) => boolean = () => true): Promise<ServerFrame> {
    return this.until(() => {
      const index = this.unread.findIndex(match);
      return index === -1 ? undefined : this.unread.splice(index, 1)[0];
    });
  }

  /** Takes the next frame carrying `id`. */
  reply(id: string | number): Promise<ServerFrame> {
    return this.next((frame) => frame.id === id);
  }

  /** Resolves with the first frame received matching `match` (also one already taken). */
  waitFor(match: (frame: ServerFrame) => boolean, ms: number, label: string): Promise<ServerFrame> {
    return within(
      this.until(() => this.frames.find(match), label),
      ms,
      label,
    );
  }

  /** Resolves with the matching frames once there are at least `count` of them. */
  waitForCount(
    match: (frame: ServerFrame) => boolean,
    count: number,
    ms: number,
    label: string,
  ): Promise<ServerFrame[]> {
    const probe = () => {
      const found = this.frames.filter(match);
      return found.length >= count ? found : undefined;
    };
    return within(this.until(probe, label), ms, label);
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

  /** Closes politely and waits for the close handshake (or the connection's end). */
  async close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close(1000);
    return within(this.closed, 5_000, 'client close');
  }

  /**
   * Re-runs `probe` on every frame until it returns something. With a `label`, a close first
   * rejects; without one, waiting stays the caller's (or Jest's) timeout.
   */
  private until<T>(probe: () => T | undefined, label?: string): Promise<T> {
    let check = () => {};
    const found = new Promise<T>((resolve, reject) => {
      check = () => {
        const value = probe();
        // Settled waiters leave at once: a probe that takes a frame must not run again.
        if (value !== undefined) {
          this.waiters.delete(check);
          resolve(value);
        } else if (label !== undefined && this.closedWith) {
          this.waiters.delete(check);
          reject(new Error(`${label}: closed with ${this.closedWith.code} first`));
        }
      };
    });
    this.waiters.add(check);
    check();
    return found;
  }

  private record(data: RawData, isBinary: boolean): void {
    const text = data.toString();
    const raw = isBinary ? `<binary> ${text}` : text;
    let fields: object = {};
    try {
      // Binary frames are read as JSON too, for gateways with a binary JSON codec.
      const parsed = JSON.parse(text) as unknown;
      if (parsed !== null && typeof parsed === 'object') fields = parsed;
    } catch {
      // kept as raw text only
    }
    const frame = Object.defineProperty({ ...fields }, 'raw', { value: raw }) as ServerFrame;
    this.frames.push(frame);
    this.unread.push(frame);
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
