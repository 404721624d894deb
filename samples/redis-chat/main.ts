import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';

/**
 * `npm run demo:redis`: two processes of the chat sample on two ports sharing one Redis.
 * Uses REDIS_URL when set; otherwise starts a throwaway redis-server on a free port.
 * Ports: PORT (default 3001) and PORT + 1. Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const redis = process.env.REDIS_URL === undefined ? await startRedis() : undefined;
  const url = process.env.REDIS_URL ?? `redis://127.0.0.1:${redis!.port}`;
  const base = Number(process.env.PORT ?? 3001);
  const nodes = ['node-1', 'node-2'].map((name, i) =>
    // node.js when built, node.ts when run from source through a TypeScript loader.
    fork(join(__dirname, 'node' + extname(__filename)), [], {
      // PORT=0 gives each node a free port.
      env: {
        ...process.env,
        REDIS_URL: url,
        PORT: String(base === 0 ? 0 : base + i),
        NODE_NAME: name,
      },
    }),
  );
  const ports = await Promise.all(nodes.map(portOf));

  const started =
    redis === undefined ? '' : ` (pid ${redis.pid}, started for this demo, without persistence)`;
  console.log(`Redis:   ${url}${started}`);
  ports.forEach((port, i) => {
    console.log(
      `Node ${i + 1}:  http://127.0.0.1:${port}/   ws://127.0.0.1:${port}/chat/lobby?name=you`,
    );
  });
  console.log('Open both pages: what is said on one node is heard on the other. Ctrl-C stops.');

  // Ctrl-C reaches every process of the group (the nodes and redis-server too); stop once.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= Promise.all(nodes.map(stopNode)).then(() => redis?.stop());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function portOf(node: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    node.once('message', (message: { port: number }) => resolve(message.port));
    node.once('exit', (code) => reject(new Error(`chat node exited with code ${code}`)));
  });
}

function stopNode(node: ChildProcess): Promise<void> {
  // Gone already (Ctrl-C reached it first): no 'exit' event will come.
  if (node.exitCode !== null || node.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    node.once('exit', () => resolve());
    node.kill('SIGTERM');
  });
}

async function startRedis(): Promise<{ port: number; pid: number; stop(): void }> {
  try {
    execFileSync('which', ['redis-server'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL to a running Redis',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fwg-demo-redis-'));
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  return {
    port,
    pid: server.pid!,
    stop: () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
