// The load generator: a child process (pinned to its own core) that opens client
// connections to one bench server and drives the scenarios the harness asks for.
import { performance } from 'node:perf_hooks';
import { serveRpc } from './child-rpc';
import { openClient, type BenchClient, type ClientEvents } from './clients';
import { isResumable, type ResumableClient } from './resumable-client';
import type { ClientKind, EchoCounts } from './protocol';

/** One client and the requests it still waits for. */
interface Tracked {
  client: BenchClient;
  outstanding: Set<number>;
  nextId: number;
  nextTick: number;
  /** Latency phase: when each outstanding request was written (`performance.now()`, ms). */
  sentAt: Map<number, number>;
  /** Dropped (resume peers), to be resumed by `resumeAll`. */
  dropped?: boolean;
}

interface Target {
  kind: ClientKind;
  port: number;
  /** Spread connections over 127.0.0.1 … 127.0.0.`addresses` (1 when omitted). */
  addresses?: number;
}

const counts = { sent: 0, replies: 0, mismatches: 0, ticks: 0 };
let echoing = false;
let inFlight = 0;
let pool: Tracked[] = [];
let ticksExpected = 0;
let ticksDone: (() => void) | undefined;

/**
 * The open-loop latency phase: per-connection timers, latencies of the measured window. Clock
 * reads are `performance.now()` (a double): `process.hrtime.bigint()` allocates a BigInt per
 * read, garbage the generator would collect in the middle of the window it measures.
 */
const latency = {
  running: false,
  recording: false,
  timers: [] as NodeJS.Timeout[],
  /** Reply time minus write time (ms), per reply in the window. */
  samplesMs: [] as number[],
  /** How late each send's timer fired (ms): how far the generator strayed from its schedule. */
  latenessMs: [] as number[],
  random: seeded(16),
};

/** A small seeded generator, so every server gets the same send schedule. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
      const sentAt = self.sentAt.get(id);
      if (sentAt !== undefined) {
        self.sentAt.delete(id);
        if (latency.recording) latency.samplesMs.push(performance.now() - sentAt);
      }
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

let opened = 0;

async function connect(target: Target): Promise<Tracked> {
  const addresses = target.addresses ?? 1;
  const localAddress = addresses > 1 ? `127.0.0.${1 + (opened++ % addresses)}` : undefined;
  const tracked: Tracked = {
    client: undefined!,
    outstanding: new Set(),
    nextId: 1,
    nextTick: 0,
    sentAt: new Map(),
  };
  tracked.client = await openClient(
    target.kind,
    target.port,
    eventsFor(() => tracked),
    localAddress,
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

function resumableOf(tracked: Tracked): ResumableClient {
  if (!isResumable(tracked.client)) throw new Error('this server does not resume sessions');
  return tracked.client;
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
  return {
    kind: args.kind as ClientKind,
    port: Number(args.port),
    addresses: args.addresses === undefined ? undefined : Number(args.addresses),
  };
}

/**
 * Sends on connection `index` at `dueMs` and every `minMs`–`maxMs` after, whatever the replies
 * do: the next send is due a gap after this one was due, not after it left, so a late timer
 * never lowers the offered rate. A request's latency counts from when it was written: the
 * timers' millisecond granularity is the generator's, not the server's (how late they fire is
 * recorded apart).
 */
function schedule(index: number, dueMs: number, minMs: number, maxMs: number): void {
  latency.timers[index] = setTimeout(
    fire,
    Math.max(0, dueMs - performance.now()),
    index,
    dueMs,
    minMs,
    maxMs,
  );
}

function fire(index: number, dueMs: number, minMs: number, maxMs: number): void {
  if (!latency.running) return;
  const tracked = pool[index];
  const sentAt = performance.now();
  if (latency.recording) latency.latenessMs.push(Math.max(0, sentAt - dueMs));
  tracked.sentAt.set(tracked.nextId, sentAt);
  send(tracked);
  schedule(index, dueMs + minMs + (maxMs - minMs) * latency.random(), minMs, maxMs);
}

/** The value below which `share` of the sorted values fall (nearest rank). */
function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
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
  /** Stops sending, waits for the last replies, closes; unanswered requests count as lost.
   * With `resumeCheck`, first drops and resumes one connection: a client that acknowledged
   * as it should still has a session the server can resume. */
  async echoStop(args) {
    echoing = false;
    await drained(5000);
    if (args.resumeCheck) {
      const tracked = pool[0];
      const client = resumableOf(tracked);
      await client.drop();
      if (!(await client.resume()).resumed) {
        throw new Error('the server refused to resume a session after the echo run');
      }
      send(tracked);
      await drained(5000);
    }
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    await closePool();
    return { ...snapshot(), lost };
  },
  /** Opens idle connections, each proven live by one verified echo (unless `probe` is false);
   * with `append`, adds them to those already open (clients of a second server). */
  async open(args) {
    resetCounts();
    const opened = await connectMany(targetOf(args), Number(args.count), Number(args.batch));
    pool = args.append ? pool.concat(opened) : opened;
    if (args.probe !== false) for (const tracked of opened) send(tracked);
    await drained(10000);
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    return { ...snapshot(), lost, open: pool.length };
  },
  closeAll: () => closePool(),
  /** Drops the first `count` connections as a network does (no close frame): their sessions
   * wait for them. */
  async drop(args) {
    const dropping = pool.slice(0, Number(args.count));
    for (const tracked of dropping) tracked.dropped = true;
    await Promise.all(dropping.map((tracked) => resumableOf(tracked).drop()));
  },
  /** Resumes every dropped connection; returns when each new socket opened (ns) and how many
   * resumes the server refused. The missed frames arrive afterwards (see `waitTicks`). */
  async resumeAll() {
    const dropped = pool.filter((tracked) => tracked.dropped);
    for (const tracked of dropped) tracked.dropped = false;
    const outcomes = await Promise.all(dropped.map((tracked) => resumableOf(tracked).resume()));
    return {
      openedAtNs: outcomes.map((outcome) => outcome.openedAtNs),
      refused: outcomes.filter((outcome) => !outcome.resumed).length,
    };
  },
  /** Opens `count` idle connections (`batch` handshakes at a time) and times that alone; then
   * proves each one live with one verified echo. */
  async openIdle(args) {
    resetCounts();
    const start = now();
    pool = await connectMany(targetOf(args), Number(args.count), Number(args.batch));
    const elapsedNs = now() - start;
    for (const tracked of pool) send(tracked);
    await drained(60000);
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    return { ...snapshot(), elapsedNs, lost, open: pool.length };
  },
  /** Opens the connections and starts the open-loop schedule: each connection sends one
   * request every `minMs`–`maxMs` (uniform), on time whether or not replies came back. */
  async latencyStart(args) {
    resetCounts();
    pool = await connectMany(targetOf(args), Number(args.connections), 50);
    const minMs = Number(args.minMs);
    const maxMs = Number(args.maxMs);
    latency.running = true;
    latency.random = seeded(16);
    const start = performance.now();
    for (let index = 0; index < pool.length; index++) {
      // Spread the first sends over one interval so the connections do not fire together.
      schedule(index, start + (index / pool.length) * minMs, minMs, maxMs);
    }
    return pool.length;
  },
  /** Records latencies for `ms`; returns percentiles and what says whether they mean anything. */
  async latencyMeasure(args) {
    latency.samplesMs = [];
    latency.latenessMs = [];
    const before = snapshot();
    latency.recording = true;
    await new Promise((resolve) => setTimeout(resolve, Number(args.ms)));
    latency.recording = false;
    const after = snapshot();
    const seconds = (after.atNs - before.atNs) / 1e9;
    const sorted = latency.samplesMs.sort((a, b) => a - b);
    const late = latency.latenessMs.sort((a, b) => a - b);
    const value = (ms: number | undefined): number | null => ms ?? null;
    return {
      seconds,
      sent: after.sent - before.sent,
      replies: sorted.length,
      p50: value(percentile(sorted, 0.5)),
      p99: value(percentile(sorted, 0.99)),
      p999: value(percentile(sorted, 0.999)),
      lateP99: value(percentile(late, 0.99)),
      generatorLoad: (after.cpuUs - before.cpuUs) / 1e6 / seconds,
    };
  },
  /** Stops the schedule, waits for the last replies and closes; unanswered ones count as lost. */
  async latencyStop() {
    latency.running = false;
    for (const timer of latency.timers) clearTimeout(timer);
    latency.timers = [];
    await drained(5000);
    const lost = pool.reduce((sum, tracked) => sum + tracked.outstanding.size, 0);
    for (const tracked of pool) tracked.sentAt.clear();
    await closePool();
    return { ...snapshot(), lost };
  },
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
  /** Expects `perClient` broadcasts, numbered from 0, on every open connection (or on
   * `clients` of them). */
  armTicks(args) {
    counts.ticks = 0;
    ticksExpected = Number(args.perClient) * Number(args.clients ?? pool.length);
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
