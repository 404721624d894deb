import type { Broadcast, ClaimedSession, SessionRecord, SharedSessions } from '../gateway/adapter';

/** The commands of the ioredis client (`Redis` or `Cluster`) the session store uses. */
export interface SessionClient {
  readonly status: string;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  getdel(key: string): Promise<string | null>;
  del(key: string): Promise<unknown>;
}

/** What the store needs from its link: where broadcasts stand, and what a session missed. */
export interface SessionShareContext {
  readonly client: SessionClient;
  readonly prefix: string;
  readonly path: string;
  readonly node: string;
  readonly maxDisconnectionMs: number;
  mark(rooms: readonly string[]): { readonly o: Readonly<Record<string, string | null>> };
  /** Resolves once the position of every channel of `rooms` is known. */
  known(rooms: readonly string[]): Promise<unknown>;
  complete(mark: unknown, rooms: readonly string[]): Promise<boolean>;
  missed(mark: unknown, rooms: readonly string[]): Promise<Broadcast[]>;
}

interface Kept {
  readonly record: () => SessionRecord;
  /** When it was last sent to Redis (`Date.now()` time); 0 before the first write. */
  writtenAt: number;
}

/** Time between two writes of a session nothing changed, so its key outlives a crash by `maxDisconnectionMs`. */
export function refreshMs(maxDisconnectionMs: number): number {
  return Math.max(500, Math.min(30_000, Math.floor(maxDisconnectionMs / 2)));
}

/** The key of one token's session: the token's hash, under the gateway path. */
export function sessionKey(prefix: string, path: string, tokenHash: string): string {
  return `{${prefix}:session:${path}:${tokenHash}}`;
}

const noop = (): void => undefined;

/**
 * A gateway's sessions in Redis: one string key per token hash, `{ node, record, mark }` as
 * JSON, expiring `maxDisconnectionMs` (plus a refresh period and a second) after its last
 * write. New and removed tokens are written at once (next turn of the event loop); changes are
 * batched and written on the link's tick; every kept session is written again each refresh
 * period. A claim is a GETDEL: one resume per token across the cluster.
 */
export class RedisSessions implements SharedSessions {
  private readonly kept = new Map<string, Kept>();
  private readonly dirty = new Set<string>();
  private readonly gone = new Set<string>();
  private readonly ttlMs: number;
  private readonly refreshMs: number;
  private soon: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly context: SessionShareContext) {
    this.refreshMs = refreshMs(context.maxDisconnectionMs);
    this.ttlMs = context.maxDisconnectionMs + this.refreshMs + 1000;
  }

  /** Sessions whose record this process keeps in Redis. */
  get size(): number {
    return this.kept.size;
  }

  keep(tokenHash: string, record: () => SessionRecord): void {
    this.kept.set(tokenHash, { record, writtenAt: 0 });
    this.gone.delete(tokenHash);
    this.dirty.add(tokenHash);
    this.flushSoon();
  }

  touch(tokenHash: string): void {
    if (this.kept.has(tokenHash)) this.dirty.add(tokenHash);
  }

  drop(tokenHash: string): void {
    if (!this.kept.delete(tokenHash)) return;
    this.dirty.delete(tokenHash);
    this.gone.add(tokenHash);
    this.flushSoon();
  }

  async claim(tokenHash: string): Promise<ClaimedSession | undefined> {
    const { client, prefix, path } = this.context;
    if (client.status !== 'ready') return undefined;
    const text = await client.getdel(sessionKey(prefix, path, tokenHash)).catch(() => null);
    return text === null ? undefined : readClaim(text);
  }

  mark(rooms: readonly string[]): unknown {
    return this.context.mark(rooms);
  }

  complete(mark: unknown, rooms: readonly string[]): Promise<boolean> {
    return this.context.complete(mark, rooms);
  }

  missed(mark: unknown, rooms: readonly string[]): Promise<Broadcast[]> {
    return this.context.missed(mark, rooms);
  }

  /** On the link's tick: writes changed sessions and those due for a refresh. */
  tick(now: number): void {
    for (const [tokenHash, kept] of this.kept) {
      if (now - kept.writtenAt >= this.refreshMs) this.dirty.add(tokenHash);
    }
    this.flush(now);
  }

  /** Redis is back (perhaps restarted, its keys lost): every kept session is written again now. */
  rewrite(): void {
    for (const tokenHash of this.kept.keys()) this.dirty.add(tokenHash);
    this.flushSoon();
  }

  /** On `app.close()`: sessions that ended are removed; the others expire on their own. */
  close(): void {
    clearImmediate(this.soon);
    this.kept.clear();
    this.dirty.clear();
    this.flush(Date.now());
    this.closed = true;
    this.gone.clear();
  }

  private flushSoon(): void {
    this.soon ??= setImmediate(() => {
      this.soon = undefined;
      this.flush(Date.now());
    });
  }

  /** Sends what waits, without waiting for answers; nothing is sent while Redis is not ready. */
  private flush(now: number): void {
    const { client, prefix, path, node } = this.context;
    if (this.closed || client.status !== 'ready') return;
    for (const tokenHash of this.gone) {
      client.del(sessionKey(prefix, path, tokenHash)).then(noop, () => {
        if (!this.kept.has(tokenHash)) this.gone.add(tokenHash);
      });
    }
    this.gone.clear();
    for (const tokenHash of this.dirty) {
      const kept = this.kept.get(tokenHash)!;
      kept.writtenAt = now;
      const record = kept.record();
      const mark = this.context.mark(record.rooms);
      // A room joined a moment ago has no position yet: written again once it has.
      if (Object.values(mark.o).includes(null)) {
        void this.context.known(record.rooms).then(() => {
          this.touch(tokenHash);
          this.flushSoon();
        });
      }
      const text = JSON.stringify({ v: 1, n: node, s: record, m: mark });
      client.set(sessionKey(prefix, path, tokenHash), text, 'PX', this.ttlMs).then(noop, () => {
        if (this.kept.has(tokenHash)) this.dirty.add(tokenHash);
      });
    }
    this.dirty.clear();
  }
}

/** A stored session, checked; anything else (another version, garbage) is no session. */
function readClaim(text: string): ClaimedSession | undefined {
  let value: { v?: unknown; n?: unknown; s?: Partial<SessionRecord>; m?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = value?.s;
  if (
    value?.v !== 1 ||
    typeof value.n !== 'string' ||
    typeof record?.id !== 'string' ||
    !(record.principal === undefined || typeof record.principal === 'string') ||
    !Array.isArray(record.rooms) ||
    !record.rooms.every((room) => typeof room === 'string') ||
    typeof record.data !== 'object' ||
    record.data === null
  ) {
    return undefined;
  }
  return { node: value.n, record: record as SessionRecord, mark: value.m };
}
