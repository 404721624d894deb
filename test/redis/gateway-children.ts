import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT, transpileWithSrc } from '../support/transpile';
import type { ChildMessage, ParentMessage } from './gateway-process';

/**
 * Transpiles `src/` and the child's own files once into a temp dir, with decorator metadata
 * (which esbuild/tsx would drop), so each child starts on plain node in well under a second
 * instead of loading a TypeScript compiler of its own. Returns the dir; remove it when done.
 */
export function compileGatewayProcess(extra: readonly string[] = []): string {
  return transpileWithSrc([
    'test/redis/gateway-process.ts',
    'test/support/room-gateway.ts',
    'test/support/recording-channel.ts',
    ...extra,
  ]);
}

export function removeCompiled(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A forked gateway process, running the transpiled child script on plain node. */
export class GatewayChild {
  stderr = '';
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async fork(compiled: string, redisPort: number): Promise<GatewayChild> {
    const child = fork(join(compiled, 'test', 'redis', 'gateway-process.js'), [], {
      cwd: ROOT,
      execArgv: [],
      // The transpiled files live outside the project: resolve packages from its node_modules.
      env: { ...process.env, REDIS_PORT: String(redisPort), NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const message = await new Promise<ChildMessage>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) =>
        reject(new Error(`gateway process exited with ${code}: ${stderr}`)),
      );
    });
    const started = new GatewayChild(child, (message as { port: number }).port);
    child.stderr!.on('data', (chunk) => (started.stderr += chunk));
    started.stderr = stderr;
    return started;
  }

  url(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  private ask<T extends ChildMessage['type']>(
    message: ParentMessage,
    answer: T,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve) => {
      const listener = (reply: ChildMessage) => {
        if (reply.type !== answer) return;
        this.child.off('message', listener);
        resolve(reply as Extract<ChildMessage, { type: T }>);
      };
      this.child.on('message', listener);
      this.child.send(message);
    });
  }

  stats() {
    return this.ask({ type: 'stats' }, 'stats').then((reply) => reply.stats);
  }

  /** What the child's app logged so far. */
  logs() {
    return this.ask({ type: 'logs' }, 'logs').then((reply) => reply.logs);
  }

  /** Resolves once the child's adapter listens to every room its connections are in. */
  async settled(): Promise<void> {
    await this.ask({ type: 'settled' }, 'settled');
  }

  /** Closes the app; resolves with whether the ioredis clients were still usable afterwards. */
  async close(): Promise<boolean> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const { clientsUsable } = await this.ask({ type: 'close' }, 'closed');
    await exited;
    return clientsUsable;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** A plain `ws` client speaking the JSON protocol: requests with ids, and `heard` frames in arrival order. */
export class WireClient {
  readonly heard: string[] = [];
  private readonly replies = new Map<number, () => void>();
  private nextId = 1;
  private waiters: { count: number; resolve: () => void }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as {
        event: string;
        data: { text: string };
        id?: number;
      };
      if (frame.id !== undefined) this.replies.get(frame.id)?.();
      else if (frame.event === 'heard') this.hear(frame.data.text);
    });
  }

  static open(url: string): Promise<WireClient> {
    const socket = new WebSocket(url);
    const client = new WireClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Sends a request; resolves with the reply's latency in ms. */
  request(event: string, data: unknown): Promise<number> {
    const id = this.nextId++;
    const started = Date.now();
    return new Promise((resolve) => {
      this.replies.set(id, () => {
        this.replies.delete(id);
        resolve(Date.now() - started);
      });
      this.socket.send(JSON.stringify({ event, data, id }));
    });
  }

  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.heard.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`heard ${this.heard.length} of ${count} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private hear(text: string): void {
    this.heard.push(text);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.heard.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}
