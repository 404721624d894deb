// The load generator: a child process (pinned to its own core) that opens client
// connections to one bench server and drives the scenarios the harness asks for.
import { serveRpc } from './child-rpc';
import { openClient, type BenchClient, type ClientEvents } from './clients';
import type { ClientKind, EchoCounts } from './protocol';

/** One client and the requests it still waits for. */
interface Tracked {
  client: BenchClient;
  outstanding: Set<number>;
  nextId: number;
  nextTick: number;
}

interface Target {
  kind: ClientKind;
  port: number;
}

const counts = { sent: 0, replies: 0, mismatches: 0, ticks: 0 };
let echoing = false;
let inFlight = 0;
let pool: Tracked[] = [];
let ticksExpected = 0;
let ticksDone: (() => void) | undefined;

function now(): number {
  return Number(process.hrtime.bigint());
}

function cpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function send(tracked: Tracked): void {
  const id = tracked.nextId++;
  tracked.outstanding.add(id);
  counts.sent++;
  tracked.client.echo(id);
}

function eventsFor(tracked: () => Tracked): ClientEvents {
  return {
    reply(id, intact) {
      const self = tracked();
      if (!self.outstanding.delete(id) || !intact) {
        counts.mismatches++;
        return;
      }
      counts.replies++;
      if (echoing && self.outstanding.size < inFlight) send(self);
    },
    tick(n) {
      const self = tracked();
      if (n !== self.nextTick) counts.mismatches++;
      self.nextTick = n + 1;
      counts.ticks++;
      if (ticksDone && counts.ticks >= ticksExpected) ticksDone();
    },
    stray() {
      counts.mismatches++;
    },
  };
}

async function connect(target: Target): Promise<Tracked> {
  const tracked: Tracked = { client: undefined!, outstanding: new Set(), nextId: 1, nextTick: 0 };
  tracked.client = await openClient(
    target.kind,
    target.port,
    eventsFor(() => tracked),
  );
  return tracked;
}

/** Opens `count` connections, `batch` handshakes at a time. */
async function connectMany(target: Target, count: number, batch: number): Promise<Tracked[]> {
  const opened: Tracked[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    opened.push(...(await Promise.all(Array.from({ length: size }, () => connect(target)))));
  }
  return opened;
}

/** Each scenario counts from zero, so one step's mismatches never fail the next. */
function resetCounts(): void {
  counts.sent = counts.replies = counts.mismatches = counts.ticks = 0;
}

function snapshot(): EchoCounts {
  return { atNs: now(), cpuUs: cpuUs(), ...counts };
}

/** Resolves once no request is outstanding, or after `timeoutMs`. */
function drained(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = (): void => {
      const waiting = pool.some((tracked) => tracked.outstanding.size > 0);
      if (!waiting || Date.now() > deadline) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

async function closePool(): Promise<void> {
  const closing = pool;
  pool = [];
  await Promise.all(closing.map((tracked) => tracked.client.close()));
}

function targetOf(args: Record<string, unknown>): Target {
  return { kind: args.kind as ClientKind, port: Number(args.port) };
}

serveRpc({
  /** Opens the connections and keeps `inFlight` echo requests outstanding on each. */
  async echoStart(args) {
    resetCounts();
    pool = await connectMany(targetOf(args), Number(args.connections), 50);
    inFlight = Number(args.inFlight);
    echoing = true;
    for (const tracked of pool) for (let i = 0; i < inFlight; i++) send(tracked);
    return snapshot();
  },
  echoMark: () => snapshot(),
  /** Stops sending, waits for the last replies, closes; unanswered requests count as lost. */
  async echoStop() {
    echoing = false;
    await drained(5000);
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    await closePool();
    return { ...snapshot(), lost };
  },
  /** Opens idle connections, each proven live by one verified echo; with `append`, adds
   * them to those already open (clients of a second server). */
  async open(args) {
    resetCounts();
    const opened = await connectMany(targetOf(args), Number(args.count), Number(args.batch));
    pool = args.append ? pool.concat(opened) : opened;
    for (const tracked of opened) send(tracked);
    await drained(10000);
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    return { ...snapshot(), lost, open: pool.length };
  },
  closeAll: () => closePool(),
  /** Opens and closes `count` connections, `batch` at a time; returns the total time. */
  async connectClose(args) {
    const target = targetOf(args);
    const count = Number(args.count);
    const batch = Number(args.batch);
    resetCounts();
    const start = now();
    for (let done = 0; done < count; done += batch) {
      const opened = await connectMany(target, Math.min(batch, count - done), batch);
      await Promise.all(opened.map((tracked) => tracked.client.close()));
    }
    return { elapsedNs: now() - start, count, mismatches: counts.mismatches };
  },
  /** Expects `perClient` broadcasts, numbered from 0, on every open connection. */
  armTicks(args) {
    counts.ticks = 0;
    ticksExpected = Number(args.perClient) * pool.length;
    for (const tracked of pool) tracked.nextTick = 0;
    return ticksExpected;
  },
  /** Resolves when every armed broadcast arrived; `lastAtNs` is when the last one did. */
  waitTicks(args) {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        ticksDone = undefined;
        resolve({ ...counts, lastAtNs: now(), expected: ticksExpected });
      };
      const timer = setTimeout(finish, Number(args.timeoutMs));
      if (counts.ticks >= ticksExpected) finish();
      else ticksDone = finish;
    });
  },
});
