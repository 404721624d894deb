import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { OutboundFrame } from './codec';
import type { ResolvedResume } from './resume-options';
import { hashToken, isTokenShaped, ResumeSession, type ResumeOwner } from './resume-session';
import { timerDelay } from './timer-delay';
import type { SessionRecord, SharedSessions } from './adapter';
import { MemorySessionStore, SharingSessionStore, type SessionStore } from './session-store';

/** Query parameter of an upgrade that resumes (`$resume=1`); removed from `conn.query`. */
export const RESUME_PARAM = '$resume';
/** A `$resume` frame is small; anything longer is not one. */
const MAX_RESUME_FRAME = 256;

/** What the client's first frame claims: the token, and how many server frames it has. */
export interface ResumeClaim {
  readonly token: string;
  readonly seq: number;
}

/** A resume the gateway can honour: the waiting session and how many frames the client has. */
export interface ResumeMatch {
  readonly session: ResumeSession;
  readonly seq: number;
}

/**
 * One gateway's sessions: matches resume upgrades to waiting sessions (anything that does not
 * match exactly becomes a fresh connection), issues tokens and the `$session` frame.
 */
export class ResumeGate {
  store: SessionStore<ResumeSession> = new MemorySessionStore();
  /** Set when the adapter shares sessions between processes (Redis). */
  shared: SharedSessions | undefined;

  constructor(readonly options: ResolvedResume) {}

  /** At start, before any connection: sessions are also kept in `shared`, as `recordOf` describes them. */
  share(shared: SharedSessions, recordOf: (session: ResumeSession) => SessionRecord): void {
    this.shared = shared;
    this.store = new SharingSessionStore(shared, recordOf);
  }

  /** The principal of an upgrade, as `identify` sees it; `undefined` without `identify`. */
  identify(request: FastifyRequest): unknown {
    return this.options.identify?.(request);
  }

  /** Whether the upgrade announces a resume (its `$resume` frame follows); takes the flag out of `query`. */
  announced(query: Record<string, unknown>): boolean {
    if (!Object.hasOwn(query, RESUME_PARAM)) return false;
    delete query[RESUME_PARAM];
    return true;
  }

  /**
   * The session `claim` resumes, if it can be resumed in full for `principal`; otherwise
   * undefined (a fresh connection).
   */
  match(claim: ResumeClaim | undefined, principal: unknown): ResumeMatch | undefined {
    if (claim === undefined) return undefined;
    const session = this.store.get(hashToken(claim.token));
    if (session === undefined || !session.canResume(claim.seq, principal)) return undefined;
    return { session, seq: claim.seq };
  }

  /** A new session for a fresh connection; `id` is the connection id. */
  create(id: string, principal: unknown, owner: ResumeOwner): ResumeSession {
    const session = new ResumeSession(id, this.options, this.store, owner);
    session.principal = principal;
    return session;
  }

  /** The `$session` frame, with a new single-use token; it is not numbered. */
  sessionFrame(session: ResumeSession, resumed: boolean): OutboundFrame {
    const token = session.issueToken();
    return {
      event: '$session',
      data: { id: session.id, token, resumed, ackEvery: session.ackEvery },
    };
  }

  /** On shutdown: every waiting session ends, so its `@OnClose` runs. */
  endAll(): void {
    for (const session of [...this.store.values()]) if (session.parked) session.expire();
  }
}

/**
 * Waits for the first frame of a socket whose upgrade announced a resume, and reads it as a
 * `$resume` claim (undefined when it is not one, or none came within `timeoutMs`). The token
 * travels in a frame, not the URL, so no request log or proxy log ever holds it.
 */
export function readResumeClaim(
  socket: WebSocket,
  timeoutMs: number,
  done: (claim: ResumeClaim | undefined) => void,
): void {
  const finish = (claim: ResumeClaim | undefined): void => {
    clearTimeout(timer);
    socket.off('message', onMessage);
    socket.off('close', onClose);
    socket.off('error', ignore);
    done(claim);
  };
  const onMessage = (data: RawData, isBinary: boolean): void =>
    finish(isBinary ? undefined : parseClaim(data as Buffer));
  const onClose = (): void => {
    clearTimeout(timer);
    socket.off('message', onMessage);
    socket.off('error', ignore);
  };
  socket.on('message', onMessage);
  socket.once('close', onClose);
  socket.on('error', ignore);
  const timer =
    timeoutMs === Infinity
      ? undefined
      : setTimeout(() => finish(undefined), timerDelay(Math.max(1, timeoutMs))).unref();
}

function ignore(): void {}

function parseClaim(data: Buffer): ResumeClaim | undefined {
  if (data.length > MAX_RESUME_FRAME) return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(data.toString());
  } catch {
    return undefined;
  }
  const { event, data: claim } = (frame ?? {}) as { event?: unknown; data?: unknown };
  if (event !== '$resume' || typeof claim !== 'object' || claim === null) return undefined;
  const { token, seq } = claim as { token?: unknown; seq?: unknown };
  if (!isTokenShaped(token) || !Number.isSafeInteger(seq) || (seq as number) < 0) return undefined;
  return { token, seq: seq as number };
}
