import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CallOutcome, ClusterCall } from './cluster-process';

const ROOT = join(__dirname, '..', '..');

/** Files the cluster children need besides what `compileGatewayProcess()` always compiles. */
export const CLUSTER_CHILD_FILES = [
  'test/redis/cluster-process.ts',
  'test/support/cluster-gateway.ts',
];

/** A forked process serving ClusterGateway; `call()` runs a cluster operation there. */
export class ClusterChild {
  stderr = '';
  private nextId = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async fork(compiled: string, env: Record<string, string>): Promise<ClusterChild> {
    const child = fork(join(compiled, 'test', 'redis', 'cluster-process.js'), [], {
      cwd: ROOT,
      execArgv: [],
      env: { ...process.env, ...env, NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) =>
        reject(new Error(`cluster child exited with ${code}: ${stderr}`)),
      );
    });
    const started = new ClusterChild(child, port);
    child.stderr!.on('data', (chunk) => (started.stderr += chunk));
    started.stderr = stderr;
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  url(room: string, name: string): string {
    return `ws://127.0.0.1:${this.port}/c/${room}?name=${name}`;
  }

  call(call: ClusterCall): Promise<CallOutcome> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const listener = (message: { id: number; outcome: CallOutcome }) => {
        if (message.id !== id) return;
        this.child.off('message', listener);
        resolve(message.outcome);
      };
      this.child.on('message', listener);
      this.child.send({ id, call });
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
