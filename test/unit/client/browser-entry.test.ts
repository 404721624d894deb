import * as browser from 'fastify-ws-gateway/client/browser-entry';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeEntry from '../../../src/client';

const root = join(__dirname, '../../..');

/** Names a minified ES module exports: `export{a as connect,b as WsClient}`. */
function exportedNames(bundle: string): string[] {
  const clause = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=\S+\s*)?$/.exec(bundle);
  if (clause === null) throw new Error('the bundle has no export clause');
  return clause[1].split(',').map(
    (item) =>
      item
        .trim()
        .split(/\s+as\s+/)
        .pop() as string,
  );
}

describe('the browser build of the client (dist/client/browser.js)', () => {
  let dir: string;
  let bundle: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fwg-browser-entry-'));
    const outfile = join(dir, 'browser.js');
    execFileSync(process.execPath, [join(root, 'scripts/build-client.mjs'), '--outfile', outfile]);
    bundle = readFileSync(outfile, 'utf8');
  }, 60_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never loads ws', () => {
    expect(bundle).not.toMatch(/require\(\s*["']ws["']\s*\)/);
    expect(bundle).not.toMatch(/from\s*["']ws["']|import\(\s*["']ws["']\s*\)/);
    expect(bundle).not.toContain('ws does not work in the browser');
  });

  it('exports the same API as the Node entry', () => {
    expect(exportedNames(bundle).sort()).toEqual(Object.keys(nodeEntry).sort());
  });

  it("is what package.json's browser condition of ./client points at", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const conditions = pkg.exports['./client'];
    expect(conditions.browser).toBe('./dist/client/browser.js');
    // Conditions match in order: types first, then browser before the Node default.
    expect(Object.keys(conditions)).toEqual(['types', 'browser', 'default']);
    expect(readFileSync(join(root, 'scripts/build-client.mjs'), 'utf8')).toContain(
      "'dist/client/browser.js'",
    );
  });
});

describe('the browser entry', () => {
  test('has the same exports as fastify-ws-gateway/client', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(nodeEntry).sort());
    for (const name of Object.keys(nodeEntry) as (keyof typeof nodeEntry)[]) {
      if (name !== 'connect') expect(browser[name]).toBe(nodeEntry[name]);
    }
  });

  test("connects with the browser's own WebSocket", () => {
    const global = globalThis as { WebSocket?: unknown };
    const original = global.WebSocket;
    const opened: string[] = [];
    global.WebSocket = class {
      readyState = 0;
      constructor(url: string) {
        opened.push(url);
      }
      close() {}
    };
    try {
      const client = browser.connect('ws://example.test/chat', { reconnect: false });
      expect(opened).toEqual(['ws://example.test/chat']);
      void client.close();
    } finally {
      global.WebSocket = original;
    }
  });
});
