// What every bench server exposes to the harness over IPC: its CPU clock, its heap after a
// full GC, and a broadcast trigger. The server's own code stays the idiomatic peer setup.
import { writeHeapSnapshot } from 'node:v8';
import { serveRpc } from '../child-rpc';
import type { CpuSample, ServerReady } from '../protocol';

export interface BenchServer {
  /** The port the server listens on, on 127.0.0.1. */
  port: number;
  /** Sends broadcast number `n` (payload `tickData(n)`, event `tick`) to every client. */
  broadcast(n: number): void;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench server: start node with --expose-gc');
  // Several passes: weak references and finalizers free more on the next pass.
  for (let pass = 0; pass < 4; pass++) gc();
}

/** Starts answering the harness and tells it the server is listening. */
export function reportReady(server: BenchServer): void {
  serveRpc({
    cpu: (): CpuSample => {
      const usage = process.cpuUsage();
      return { userUs: usage.user, systemUs: usage.system };
    },
    memory: () => {
      collectGarbage();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.external;
    },
    /** Heap+external and resident set size after a full GC. */
    memoryDetail: () => {
      collectGarbage();
      const usage = process.memoryUsage();
      return { heap: usage.heapUsed + usage.external, rss: usage.rss };
    },
    /** Writes a heap snapshot after a full GC (for finding what a connection retains). */
    heapSnapshot: (args) => {
      collectGarbage();
      return writeHeapSnapshot(String(args.path));
    },
    broadcast: (args) => {
      const count = Number(args.count);
      for (let n = 0; n < count; n++) server.broadcast(n);
      return count;
    },
  });
  const ready: ServerReady = { ready: true, port: server.port };
  process.send!(ready);
}

/** Logs and exits: a server that cannot start fails the run loudly. */
export function exitOnStartupError(error: unknown): never {
  console.error('bench server failed to start:', error);
  process.exit(1);
}
