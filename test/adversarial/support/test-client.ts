import WebSocket, { type ClientOptions, type RawData } from 'ws';

/** A frame as the server sends it, or the raw text when it is not JSON (a bug the tests report). */
export interface ServerFrame {
  readonly event?: string;
  readonly data?: unknown;
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

/** Rejects with `label` when `promise` has not settled within `ms`; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A real `ws` client that records every frame and its close from the first tick (listeners are
 * attached in the constructor, so nothing sent early is missed) and waits on them by predicate.
 */
export class TestClient {
  readonly socket: WebSocket;
  readonly frames: ServerFrame[] = [];
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

  static async open(url: string, options?: ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, options);
    await within(client.opened, 5_000, `opening ${url}`);
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends an object as JSON, a string as a text frame, a Buffer as a binary frame. */
  send(frame: object | string | Buffer): void {
    if (Buffer.isBuffer(frame)) this.socket.send(frame, { binary: true });
    else this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends bytes as a text frame as they are, valid UTF-8 or not (`ws` does not check on send). */
  sendTextBytes(bytes: Buffer): void {
    this.socket.send(bytes, { binary: false });
  }

  /** Sends `{ event, data, id }` and resolves with the one frame carrying that id. */
  async request(event: string, data: unknown, ms = 2_000): Promise<ServerFrame> {
    const id = uniqueId();
    this.send({ event, data, id });
    return this.waitFor((frame) => frame.id === id, ms, `reply to ${event} #${id}`);
  }

  /** Resolves with the first recorded frame matching `match` (also one that already arrived). */
  waitFor(match: (frame: ServerFrame) => boolean, ms: number, label: string): Promise<ServerFrame> {
    return this.until(() => this.frames.find(match), ms, label);
  }

  /** Resolves with the matching frames once there are at least `count` of them. */
  waitForCount(
    match: (frame: ServerFrame) => boolean,
    count: number,
    ms: number,
    label: string,
  ): Promise<ServerFrame[]> {
    return this.until(
      () => {
        const found = this.frames.filter(match);
        return found.length >= count ? found : undefined;
      },
      ms,
      label,
    );
  }

  /** Re-runs `probe` on every frame until it returns something; fails on close or deadline. */
  private until<T>(probe: () => T | undefined, ms: number, label: string): Promise<T> {
    let check = () => {};
    const found = new Promise<T>((resolve, reject) => {
      check = () => {
        const value = probe();
        if (value !== undefined) resolve(value);
        else if (this.closedWith) {
          reject(new Error(`${label}: closed with ${this.closedWith.code} first`));
        }
      };
    });
    this.waiters.add(check);
    check();
    return within(found, ms, label).finally(() => this.waiters.delete(check));
  }

  /** Closes politely and waits for the close handshake (or the connection's end). */
  async close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close(1000);
    return within(this.closed, 5_000, 'client close');
  }

  private record(data: RawData, isBinary: boolean): void {
    const raw = isBinary ? '<binary>' : data.toString();
    let frame: ServerFrame = { raw };
    try {
      const parsed = JSON.parse(raw) as Omit<ServerFrame, 'raw'>;
      if (parsed !== null && typeof parsed === 'object') frame = { ...parsed, raw };
    } catch {
      // kept as raw text: the assertions on event/code then fail with the text visible
    }
    this.frames.push(frame);
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The `code` of an error frame, or undefined for any other frame. */
export function errorCode(frame: ServerFrame): string | undefined {
  if (frame.event !== 'error') return undefined;
  const data = frame.data as { code?: unknown } | null;
  return typeof data?.code === 'string' ? data.code : undefined;
}
