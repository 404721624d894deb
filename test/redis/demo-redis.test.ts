import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import WebSocket from 'ws';
import { describeRedis } from './redis-clients';

const ROOT = join(__dirname, '..', '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourcesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * `src/` and the two samples transpiled into a temp dir (with decorator metadata), laid out as
 * the built package is: `fastify-ws-gateway` resolves to the transpiled `src/`.
 */
function compileDemo(): string {
  const out = mkdtempSync(join(tmpdir(), 'fwg-demo-'));
  const files = [
    ...sourcesUnder(join(ROOT, 'src')),
    ...sourcesUnder(join(ROOT, 'samples', 'chat')),
    ...sourcesUnder(join(ROOT, 'samples', 'redis-chat')),
  ];
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
      },
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  const page = join('samples', 'chat', 'public', 'index.html');
  mkdirSync(dirname(join(out, page)), { recursive: true });
  writeFileSync(join(out, page), readFileSync(join(ROOT, page)));
  writeFileSync(join(out, 'package.json'), '{ "name": "fwg-demo-copy", "private": true }');
  const entry = join(out, 'node_modules', 'fastify-ws-gateway');
  mkdirSync(entry, { recursive: true });
  writeFileSync(
    join(entry, 'package.json'),
    JSON.stringify({
      name: 'fastify-ws-gateway',
      exports: { '.': './index.js', './redis': './redis.js' },
    }),
  );
  writeFileSync(join(entry, 'index.js'), "module.exports = require('../../src/index.js');\n");
  writeFileSync(join(entry, 'redis.js'), "module.exports = require('../../src/redis/index.js');\n");
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
