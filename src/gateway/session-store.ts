/**
 * Where resumable sessions wait, keyed by a hash of their current token (the token itself is
 * never kept). The in-memory store holds live sessions of this process; a shared store (Redis)
 * implements the same contract with serialised state.
 */
export interface SessionStore<S> {
  /** Files `session` under `tokenHash`, replacing nothing: each token is new. */
  add(tokenHash: string, session: S): void;
  get(tokenHash: string): S | undefined;
  delete(tokenHash: string): void;
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
