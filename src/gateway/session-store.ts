import type { SessionRecord, SharedSessions } from './adapter';

/**
 * Where resumable sessions wait, keyed by a hash of their current token (the token itself is
 * never kept). The in-memory store holds live sessions of this process; with an adapter that
 * shares sessions (Redis), each one is also kept there, so another process can resume it.
 */
export interface SessionStore<S> {
  /** Files `session` under `tokenHash`, replacing nothing: each token is new. */
  add(tokenHash: string, session: S): void;
  get(tokenHash: string): S | undefined;
  delete(tokenHash: string): void;
  /** The session changed in a way another process would need to know (rooms, data, a drop). */
  touch?(tokenHash: string): void;
  /** Every session held, for shutdown. */
  values(): IterableIterator<S>;
}

/** The default store: a Map in this process. */
export class MemorySessionStore<S> implements SessionStore<S> {
  private readonly sessions = new Map<string, S>();

  add(tokenHash: string, session: S): void {
    this.sessions.set(tokenHash, session);
  }

  get(tokenHash: string): S | undefined {
    return this.sessions.get(tokenHash);
  }

  delete(tokenHash: string): void {
    this.sessions.delete(tokenHash);
  }

  values(): IterableIterator<S> {
    return this.sessions.values();
  }
}

/** This process's sessions in memory, each also kept in the shared store under the same hash. */
export class SharingSessionStore<S> extends MemorySessionStore<S> {
  constructor(
    readonly shared: SharedSessions,
    private readonly recordOf: (session: S) => SessionRecord,
  ) {
    super();
  }

  override add(tokenHash: string, session: S): void {
    super.add(tokenHash, session);
    this.shared.keep(tokenHash, () => this.recordOf(session));
  }

  override delete(tokenHash: string): void {
    super.delete(tokenHash);
    this.shared.drop(tokenHash);
  }

  touch(tokenHash: string): void {
    this.shared.touch(tokenHash);
  }
}
