import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPong } from './redis-server';

const run = promisify(execFile);

/**
 * A real Redis Cluster of `masters` nodes (no replicas) on free ports, in its own temp dir, made
 * with `redis-cli --cluster create`; `stop()` kills every node by pid.
 */
export class RedisCluster {
  private readonly nodes: ChildProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'fwg-cluster-'));

  private constructor(readonly ports: number[]) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freePort();
      if (!ports.includes(port) && port < 55535) ports.push(port); // the bus port is port + 10000
    }
    const cluster = new RedisCluster(ports);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get startupNodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map((node) => {
        if (node.exitCode !== null || node.signalCode !== null) return undefined;
        const gone = new Promise((resolve) => node.once('exit', resolve));
        node.kill('SIGKILL');
        return gone;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    for (const port of this.ports) {
      this.nodes.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { cwd: this.dir, stdio: 'ignore' },
        ),
      );
    }
    await Promise.all(this.ports.map((port) => waitForPong(port)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must agree that all slots are served before clients can rely on it.
    for (const port of this.ports) await untilClusterOk(port);
  }
}

async function untilClusterOk(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    if (stdout.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Redis Cluster node ${port} never reported cluster_state:ok`);
}
