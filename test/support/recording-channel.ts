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
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly path: string) {}

  deliver(broadcast: Broadcast): void {
    this.received.push(broadcast);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.received.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Payloads received, as strings. */
  get payloads(): string[] {
    return this.received.map((broadcast) => broadcast.payload.toString());
  }

  /** Resolves once `count` broadcasts arrived in total; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 5000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.path}: ${this.received.length} of ${count} broadcasts after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
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
