/**
 * Requests waiting for their reply: ids, timeouts and settling by the reply's `id`. The
 * client and the test kit both route server frames through `routeFrame` below.
 */
import { decodeFrame, errorFromFrame, type FrameId } from './frames';
import { ClientErrorCode, WsClientError } from './ws-client-error';

interface Pending {
  readonly event: string;
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: WsClientError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

/** Where frames that answer no request go. */
export interface FrameSink {
  /** A push, a reply to a frame sent without id, or an error frame without id (`event` is `error`). */
  push(event: string, data: unknown): void;
  /** A message that is not a JSON object with a string `event`. */
  unreadable(): void;
}

export class PendingRequests {
  #nextId = 1;
  readonly #pending = new Map<FrameId, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Number of requests still waiting for a reply. */
  get size(): number {
    return this.#pending.size;
  }

  /** Registers a request; its timeout runs from now, whether or not it was sent yet. */
  open(event: string): { readonly id: number; readonly reply: Promise<unknown> } {
    const id = this.#nextId++;
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          id,
          new WsClientError(
            ClientErrorCode.Timeout,
            `Request "${event}" (id ${id}) got no reply within ${this.timeoutMs} ms: raise requestTimeoutMs or check that the server answers "${event}"`,
          ),
        );
      }, this.timeoutMs);
      this.#pending.set(id, { event, resolve, reject, timer, sent: false });
    });
    return { id, reply };
  }

  /** True while the request still waits (not answered, timed out or failed). */
  has(id: FrameId): boolean {
    return this.#pending.has(id);
  }

  /** The event of a waiting request (for error messages). */
  eventOf(id: FrameId): string {
    return this.#pending.get(id)?.event ?? '';
  }

  /** Records that the request reached the socket, so a lost connection fails it. */
  markSent(id: FrameId): void {
    const pending = this.#pending.get(id);
    if (pending) pending.sent = true;
  }

  /** Rejects one request. */
  fail(id: FrameId, error: WsClientError): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  /** Rejects every request, or only those already sent; `describe` words the error per event. */
  failAll(describe: (event: string) => WsClientError, onlySent = false): void {
    for (const [id, pending] of [...this.#pending]) {
      if (!onlySent || pending.sent) this.fail(id, describe(pending.event));
    }
  }

  /**
   * Settles the request a frame answers. True when the frame carries an id this tracker
   * issued: a late reply to a request that already timed out is consumed and dropped.
   */
  settle(id: FrameId, event: string, data: unknown): boolean {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id >= this.#nextId) {
      return false;
    }
    const pending = this.#pending.get(id);
    if (!pending) return true;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (event === 'error') pending.reject(errorFromFrame(data));
    else pending.resolve(data);
    return true;
  }
}

/** Routes one server message: replies and error frames with an id settle requests, the rest go to `sink`. */
export function routeFrame(message: unknown, requests: PendingRequests, sink: FrameSink): void {
  const frame = decodeFrame(message);
  if (frame === undefined) return sink.unreadable();
  if (frame.id !== undefined && requests.settle(frame.id, frame.event, frame.data)) return;
  sink.push(frame.event, frame.data);
}
