import type { FastifyBaseLogger } from 'fastify';
import type { AdapterChannel, Broadcast } from '../../src/gateway/adapter';

export interface LogEntry {
  readonly level: string;
  readonly msg: string;
  readonly obj: Record<string, unknown>;
}

/** A logger that records what it is given, shaped like Fastify's. */
export function recordingLogger(entries: LogEntry[]): FastifyBaseLogger {
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      if (typeof obj === 'string') entries.push({ level, msg: obj, obj: {} });
      else entries.push({ level, msg: msg ?? '', obj: obj as Record<string, unknown> });
    };
  const logger = {
    level: 'debug',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => undefined,
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

/** An adapter channel that records every broadcast delivered to it, standing for one process. */
export class RecordingChannel implements AdapterChannel {
  readonly received: Broadcast[] = [];
  readonly logs: LogEntry[] = [];
  readonly log = recordingLogger(this.logs);
  private waiters: { done: (received: Broadcast[]) => boolean; resolve: () => void }[] = [];

  constructor(readonly path: string) {}

  deliver(broadcast: Broadcast): void {
    this.received.push(broadcast);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.done(this.received)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Payloads received, as strings. */
  get payloads(): string[] {
    return this.received.map((broadcast) => broadcast.payload.toString());
  }

  /** Resolves once `count` broadcasts arrived in total (or `until` holds); rejects after `timeoutMs`. */
  waitFor(until: number | ((received: Broadcast[]) => boolean), timeoutMs = 5000): Promise<void> {
    const done =
      typeof until === 'number' ? (received: Broadcast[]) => received.length >= until : until;
    if (done(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.path}: ${this.received.length} broadcasts, not ${String(until)}, after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /**
   * Which of this process's connections (id → rooms) the broadcasts received so far select, one
   * entry per delivery: what the runtime's room registry would write to.
   */
  recipients(members: Record<string, string[]>): string[] {
    const picked: string[] = [];
    for (const { rooms, exceptRooms, exceptIds } of this.received) {
      for (const [id, joined] of Object.entries(members)) {
        const wanted = rooms.length === 0 || rooms.some((room) => joined.includes(room));
        const excepted =
          exceptIds.includes(id) || exceptRooms.some((room) => joined.includes(room));
        if (wanted && !excepted) picked.push(id);
      }
    }
    return picked.sort();
  }

  logged(level: string): LogEntry[] {
    return this.logs.filter((entry) => entry.level === level);
  }
}

export function broadcast(
  payload: string | Buffer,
  rooms: string[] = [],
  exceptRooms: string[] = [],
  exceptIds: string[] = [],
): Broadcast {
  return { payload, rooms, exceptRooms, exceptIds };
}
