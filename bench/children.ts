// Spawning the bench's child processes (pinned to a core with taskset when it exists),
// calling them over IPC, and killing every one of them however the run ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import type { RpcReply, ServerReady } from './protocol';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts a non-Node helper (redis-server), killed with the rest when the run ends. */
export function spawnService(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

let tasksetChecked: boolean | undefined;

/** Whether `taskset` can pin processes here (it is missing on macOS, for one). */
export function canPin(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetChecked;
}

const fileLimits = new Map<number, boolean>();

/** Whether a child can be given `count` open files (raised with `ulimit -n`, up to the hard
 * limit unless the user may raise that too). */
export function canOpenFiles(count: number): boolean {
  let allowed = fileLimits.get(count);
  if (allowed === undefined) {
    allowed = spawnSync('bash', ['-c', `ulimit -n ${count}`]).status === 0;
    fileLimits.set(count, allowed);
  }
  return allowed;
}

/** The open-file hard limit a child gets, for the report. */
export function fileHardLimit(): string {
  return spawnSync('bash', ['-c', 'ulimit -Hn']).stdout?.toString().trim() || 'unknown';
}

/** The compiled bench runs `.js`; the smoke test runs the `.ts` sources through ts-node. */
const extension = extname(__filename);
const loaderArgs = extension === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [];

/** Path of a bench script, e.g. `scriptPath('servers', 'ws')`. */
export function scriptPath(...segments: string[]): string {
  return join(__dirname, ...segments) + extension;
}

export interface SpawnOptions {
  /** Core to pin the process to (ignored without taskset). */
  cpu: number;
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Open files the child needs: spawned under `ulimit -n` (check `canOpenFiles` first). */
  openFiles?: number;
}

/** A child process answering `{ rpc, cmd, args }` over IPC. */
export class Child {
  private readonly process: ChildProcess;
  private readonly pending = new Map<number, (reply: RpcReply) => void>();
  private nextRpc = 1;
  private exitReason: string | undefined;
  /** Resolves with the server's ready message; rejects if the child exits first. */
  readonly ready: Promise<ServerReady>;

  constructor(
    readonly name: string,
    script: string,
    options: SpawnOptions,
  ) {
    const nodeArgs = [...loaderArgs, ...(options.nodeArgs ?? []), script];
    const pinned: [string, string[]] = canPin()
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    const [command, args]: [string, string[]] =
      options.openFiles === undefined
        ? pinned
        : [
            'bash',
            ['-c', `ulimit -n ${options.openFiles} && exec "$@"`, 'bash', pinned[0], ...pinned[1]],
          ];
    this.process = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    live.add(this.process);
    let onReady: (ready: ServerReady) => void = () => {};
    let onEarlyExit: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onEarlyExit = reject;
    });
    this.ready.catch(() => {}); // a child that is not a server never sends it
    this.process.on('message', (message: RpcReply | ServerReady) => {
      if ('ready' in message) return onReady(message);
      this.pending.get(message.rpc)?.(message);
    });
    this.process.on('exit', (code, signal) => {
      live.delete(this.process);
      this.exitReason = `${name} exited (${signal ?? `code ${code}`})`;
      onEarlyExit(new Error(this.exitReason));
      for (const settle of this.pending.values()) settle({ rpc: 0, error: this.exitReason });
    });
  }

  /** Runs `cmd` in the child; rejects on the child's error, its exit, or after `timeoutMs`. */
  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60000): Promise<T> {
    if (this.exitReason) return Promise.reject(new Error(this.exitReason));
    const rpc = this.nextRpc++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: "${cmd}" timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, (reply) => {
        clearTimeout(timer);
        this.pending.delete(rpc);
        if (reply.error !== undefined) reject(new Error(`${this.name}: ${cmd}: ${reply.error}`));
        else resolve(reply.result as T);
      });
      this.process.send({ rpc, cmd, args });
    });
  }

  /** Asks the child to exit on its own (it exits when IPC closes), e.g. to write a profile. */
  exit(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      return Promise.resolve();
    }
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (this.process.connected) this.process.disconnect();
    return exited;
  }

  /** Kills the child and resolves once it is gone. */
  stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      return Promise.resolve();
    }
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGKILL');
    return exited;
  }
}
