import { createHash, randomBytes } from 'node:crypto';
import type { InboundFrame } from './codec';
import type { ResolvedResume } from './resume-options';
import type { SessionStore } from './session-store';
import { timerDelay } from './timer-delay';

/** Close code of a connection lost without a close frame: the only one a session survives. */
const ABNORMAL_CLOSURE = 1006;
/** 18 random bytes: 144 bits, 24 base64url characters. */
const TOKEN_BYTES = 18;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;
/** A request id seen, its reply not sent yet. */
const PENDING = 0;

/** `true` when `token` has the shape of one this server issues; anything else is ignored. */
export function isTokenShaped(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/** Tokens are looked up by hash, so the store never holds one that would resume a session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A session's numbering as it crosses processes (a handover): the frames the client has not
 * acknowledged (a Buffer as `{ b: base64 }`) and the answered request ids with their reply's number.
 */
export interface SessionNumbering {
  readonly firstSeq: number;
  readonly nextSeq: number;
  readonly frames: readonly (string | { readonly b: string })[];
  readonly requests: readonly (readonly [key: string, seq: number])[];
}

/** What a session needs from the connection it belongs to: its close path. */
export interface ResumeOwner {
  closed(code: number, reason: string): void;
}

/**
 * The resumable half of one connection: numbers every server frame, keeps the frames the
 * client has not acknowledged (at most `maxFrames`), remembers request ids until their reply
 * is acknowledged, and waits `maxDisconnectionMs` for the client after a drop.
 */
export class ResumeSession {
  /** The principal `identify` returned for the upgrade that made the session. */
  principal: unknown;
  /** Set while the socket is gone and the session waits for its client. */
  parked = false;
  /** Set once the client came back after a drop (here or from another process): `conn.resumed`. */
  resumed = false;
  /** Set once the session is over; nothing is kept any more. */
  ended = false;
  /** The unacknowledged frames outgrew `maxFrames`: this session can no longer be resumed. */
  lost = false;
  /** Taken over from another process, its socket open, missed frames still being read. */
  restoring = false;
  /** Sockets replaced by a resume whose close event is still to come. */
  staleCloses = 0;
  private tokenHash = '';
  /** Frames sent but not acknowledged; `frames[0]` has number `firstSeq`. */
  private frames: (string | Buffer)[] = [];
  private firstSeq = 1;
  private nextSeq = 1;
  /**
   * Request id → number of its reply frame (`PENDING` until sent). A Map tells `7` from `"7"`,
   * so the ids are the keys as they came.
   */
  private readonly requests = new Map<string | number, number>();
  /** Reply numbers and their request ids, in sending order, to forget acknowledged ones. */
  private replies: (number | string)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly options: ResolvedResume,
    private readonly store: SessionStore<ResumeSession>,
    readonly owner: ResumeOwner,
  ) {}

  /** How often the client acknowledges: a quarter of `maxFrames`, so acks come long before it. */
  get ackEvery(): number {
    return Math.max(1, Math.floor(this.options.maxFrames / 4));
  }

  /** Replaces the token (single use) and returns the new one; only its hash is kept. */
  issueToken(): string {
    if (this.tokenHash !== '') this.store.delete(this.tokenHash);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    this.tokenHash = hashToken(token);
    this.store.add(this.tokenHash, this);
    return token;
  }

  /** The session changed in a way another process would need (rooms, data, acks): kept there soon. */
  touched(): void {
    if (this.tokenHash !== '') this.store.touch?.(this.tokenHash);
  }

  /** The numbering, for another process: answered requests only (a pending one runs again there). */
  snapshot(): SessionNumbering {
    const requests: [string, number][] = [];
    for (let i = 0; i < this.replies.length; i += 2) {
      requests.push([requestKey(this.replies[i + 1]), this.replies[i] as number]);
    }
    const frames = this.frames.map((frame) =>
      typeof frame === 'string' ? frame : { b: frame.toString('base64') },
    );
    return { firstSeq: this.firstSeq, nextSeq: this.nextSeq, frames, requests };
  }

  /**
   * Takes over `numbering` from another process; the session waits parked (frames are kept)
   * until `resume()`. Returns where frames missed in between belong (see `insertMissed`).
   */
  restore(numbering: SessionNumbering): number {
    this.parked = true;
    this.restoring = true;
    this.firstSeq = numbering.firstSeq;
    this.nextSeq = numbering.nextSeq;
    this.frames = numbering.frames.map((frame) =>
      typeof frame === 'string' ? frame : Buffer.from(frame.b, 'base64'),
    );
    for (const [key, seq] of numbering.requests) {
      const id = requestId(key);
      this.requests.set(id, seq);
      this.replies.push(seq, id);
    }
    return this.frames.length;
  }

  /** Puts frames the client missed at `index` of the kept ones (before those that came since). */
  insertMissed(index: number, payloads: readonly (string | Buffer)[]): void {
    if (this.lost) return;
    this.frames.splice(index, 0, ...payloads);
    this.nextSeq += payloads.length;
    if (this.frames.length > this.options.maxFrames) this.overflow();
  }

  /** Another process took the session: it ends here without `@OnClose` (it runs there, once). */
  handOver(): void {
    // The socket, if still open, is terminated by the caller: its close event is not an end.
    if (!this.parked) this.staleCloses++;
    this.release();
  }

  /**
   * Numbers one outbound frame and keeps it until acknowledged. False while parked: the frame
   * waits here for the client instead of going to a socket.
   */
  record(payload: string | Buffer): boolean {
    if (this.lost || this.ended) return !this.parked;
    this.frames.push(payload);
    this.nextSeq++;
    if (this.frames.length > this.options.maxFrames) this.overflow();
    return !this.parked;
  }

  /** The frame just recorded answers request `id`: a repeat of it is now answered by the stream. */
  replied(id: string | number): void {
    if (this.requests.get(id) !== PENDING) return;
    const seq = this.nextSeq - 1;
    this.requests.set(id, seq);
    this.replies.push(seq, id);
    this.touched();
  }

  /**
   * Takes the protocol's own frames (`$ack`) and repeated requests out of the message path.
   * True when the frame is handled here and must not reach a handler.
   */
  intercept(frame: InboundFrame): boolean {
    // Handled in this tick (a synchronous handler included): the shared copy is refreshed after it.
    this.touched();
    if (frame.event === '$ack') {
      if (typeof frame.data === 'number') this.acknowledge(frame.data);
      return true;
    }
    if (frame.id === undefined || this.lost) return false;
    // Seen before: its reply is in flight, in the replayed frames, or still to come.
    if (this.requests.has(frame.id)) return true;
    this.requests.set(frame.id, PENDING);
    return false;
  }

  /** The client has frames up to `seq`: forget them, and the request ids they answered. */
  acknowledge(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < this.firstSeq || seq >= this.nextSeq) return;
    this.frames.splice(0, seq - this.firstSeq + 1);
    this.firstSeq = seq + 1;
    let done = 0;
    while (done < this.replies.length && (this.replies[done] as number) <= seq) {
      this.requests.delete(this.replies[done + 1]);
      done += 2;
    }
    if (done > 0) this.replies = this.replies.slice(done);
  }

  /** Whether a client that has `seq` frames can be given all the others. */
  canResume(seq: number, principal: unknown): boolean {
    return (
      !this.lost &&
      !this.ended &&
      Object.is(principal, this.principal) &&
      seq >= this.firstSeq - 1 &&
      seq < this.nextSeq
    );
  }

  /** The frames after `seq`, in order, for the resumed socket; the session is live again. */
  resume(seq: number): (string | Buffer)[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.parked = false;
    this.restoring = false;
    this.acknowledge(seq);
    return this.frames.slice();
  }

  /**
   * The socket closed with `code`. True when the session lives on: a replaced socket, or a
   * drop (no close frame) of a session that can still be resumed, which then waits parked.
   */
  socketClosed(code: number, shuttingDown: boolean): boolean {
    if (this.staleCloses > 0) {
      this.staleCloses--;
      return true;
    }
    if (this.ended) return false;
    if (code !== ABNORMAL_CLOSURE || this.lost || shuttingDown) {
      this.release();
      return false;
    }
    this.parked = true;
    this.timer = setTimeout(() => this.expire(), timerDelay(this.options.maxDisconnectionMs));
    this.timer.unref();
    this.touched();
    return true;
  }

  /** Ends a parked session now (timeout, overflow, shutdown, `conn.close()`); @OnClose runs. */
  expire(code = ABNORMAL_CLOSURE, reason = ''): void {
    /* c8 ignore next -- a guard: timer, overflow and shutdown each end a session only once */
    if (this.ended) return;
    this.release();
    this.owner.closed(code, reason);
  }

  /** Forgets everything the session holds; it can no longer be resumed. */
  private release(): void {
    clearTimeout(this.timer);
    this.ended = true;
    this.parked = false;
    this.store.delete(this.tokenHash);
    this.frames = [];
    this.replies = [];
    this.requests.clear();
  }

  private overflow(): void {
    this.lost = true;
    this.frames = [];
    this.replies = [];
    this.requests.clear();
    // Called from inside a delivery loop: end the parked session once the loop is done.
    if (this.parked && !this.restoring) queueMicrotask(() => this.expire());
  }
}

/** A request id as a handover carries it in JSON: ids `7` and `"7"` stay different requests. */
function requestKey(id: string | number): string {
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

/** The request id a handover's key stands for. */
function requestId(key: string): string | number {
  return key.startsWith('n') ? Number(key.slice(1)) : key.slice(1);
}
