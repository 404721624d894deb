import type { FastifyRequest } from 'fastify';
import type { OutboundFrame } from './codec';
import type { ResolvedResume } from './resume-options';
import {
  hashToken,
  isTokenShaped,
  parseSeq,
  ResumeSession,
  type ResumeOwner,
} from './resume-session';
import { MemorySessionStore, type SessionStore } from './session-store';

/** Query parameters of a resume upgrade; removed from `conn.query`. */
export const RESUME_PARAM = '$resume';
export const SEQ_PARAM = '$seq';

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
  readonly store: SessionStore<ResumeSession> = new MemorySessionStore();

  constructor(readonly options: ResolvedResume) {}

  /** The principal of an upgrade, as `identify` sees it; `undefined` without `identify`. */
  identify(request: FastifyRequest): unknown {
    return this.options.identify?.(request);
  }

  /**
   * Takes the resume parameters out of `query` and returns the session they resume, if it
   * can be resumed in full for `principal`; otherwise undefined (a fresh connection).
   */
  match(query: Record<string, unknown>, principal: unknown): ResumeMatch | undefined {
    const token = query[RESUME_PARAM];
    const seq = parseSeq(query[SEQ_PARAM]);
    delete query[RESUME_PARAM];
    delete query[SEQ_PARAM];
    if (!isTokenShaped(token) || seq === undefined) return undefined;
    const session = this.store.get(hashToken(token));
    if (session === undefined || !session.canResume(seq, principal)) return undefined;
    return { session, seq };
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
