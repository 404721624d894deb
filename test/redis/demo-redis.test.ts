import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import WebSocket from 'ws';
import { ROOT, sourcesUnder, transpileWithSrc } from '../support/transpile';
import { describeRedis } from './redis-clients';

/**
 * `src/` and the two samples transpiled into a temp dir (`fastify-ws-gateway` mapped to the
 * transpiled src), with the page the chat sample serves and a package.json marking the root.
 */
function compileDemo(): string {
  const samples = ['samples/chat', 'samples/redis-chat'].flatMap((dir) =>
    sourcesUnder(join(ROOT, dir)).map((file) => relative(ROOT, file)),
  );
  const out = transpileWithSrc(samples);
  const page = join('samples', 'chat', 'public', 'index.html');
  mkdirSync(dirname(join(out, page)), { recursive: true });
  writeFileSync(join(out, page), readFileSync(join(ROOT, page)));
  writeFileSync(join(out, 'package.json'), '{ "name": "fwg-demo-copy", "private": true }');
  return out;
}

/** Whether any process of group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describeRedis('npm run demo:redis', () => {
  let out: string;
  beforeAll(() => {
    out = compileDemo();
  });
  afterAll(() => {
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  it('Ctrl-C (SIGINT to the whole process group) stops every process cleanly', async () => {
    const { REDIS_URL: _ignored, ...env } = process.env;
    // Its own process group, as a terminal gives a command: Ctrl-C signals the whole group.
    const demo = spawn(process.execPath, [join(out, 'samples', 'redis-chat', 'main.js')], {
      cwd: out,
      detached: true,
      env: { ...env, PORT: '0', NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    demo.stdout!.on('data', (chunk) => (stdout += chunk));
    demo.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        demo.stdout!.on('data', () => stdout.includes('Ctrl-C stops') && resolve());
        void exited.then(() => reject(new Error(`the demo exited early: ${stdout}${stderr}`)));
      });
      // Both nodes serve the chat before the Ctrl-C.
      const urls = [...stdout.matchAll(/ws:\/\/127\.0\.0\.1:\d+\/chat\/lobby\?name=you/g)];
      expect(urls).toHaveLength(2);
      const socket = new WebSocket(urls[0][0]);
      await new Promise((resolve, reject) => {
        socket.once('message', resolve);
        socket.once('error', reject);
      });

      process.kill(-demo.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      // The nodes and redis-server are in the group too: all of them end.
      const deadline = Date.now() + 10_000;
      while (groupAlive(demo.pid!) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(groupAlive(demo.pid!)).toBe(false);
      expect(stderr).not.toMatch(/Connection is closed|Unhandled|Error/);
    } finally {
      if (groupAlive(demo.pid!)) process.kill(-demo.pid!, 'SIGKILL');
    }
  }, 30_000);
});
