import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface PackResult {
  readonly files: { readonly path: string }[];
}

/**
 * `npm pack` on a fresh clone: a copy without dist/ (so the suite's own files are never
 * rebuilt under other tests), where `prepack` has to build what the package ships.
 */
describe('the packed package', () => {
  let clone: string;
  let shipped: Set<string>;
  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'fwg-pack-'));
    for (const entry of [
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'scripts',
    ]) {
      cpSync(join(ROOT, entry), join(clone, entry), { recursive: true });
    }
    for (const entry of ['README.md', 'LICENSE']) {
      if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(clone, entry));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    // The npm next to the node running the tests, so a Node 24 run packs with its own npm.
    const output = execFileSync('npm', ['pack', '--dry-run', '--json'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // prepack's build output comes first; the JSON report is the array at the end.
    const [result] = JSON.parse(output.slice(output.lastIndexOf('\n[') + 1)) as PackResult[];
    shipped = new Set(result.files.map((file) => file.path));
  }, 180_000);
  afterAll(() => {
    if (clone !== undefined) rmSync(clone, { recursive: true, force: true });
  });

  it('ships the built entries (prepack builds dist/)', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/websocket/index.js',
      'dist/client/index.js',
      'dist/client/browser.js',
      'dist/redis/index.js',
      'dist/testing/index.js',
    ]) {
      expect(shipped).toContain(file);
    }
    expect([...shipped].filter((file) => file.startsWith('src/'))).toEqual([]);
  });

  it('ships source maps that carry their sources, or point only at shipped files', () => {
    const maps = [...shipped].filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(clone, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      map.sources.forEach((source, i) => {
        const content = map.sourcesContent?.[i];
        const target = normalize(join(dirname(file), source));
        if (typeof content !== 'string' || content === '') {
          expect({ map: file, source: target, shipped: shipped.has(target) }).toEqual({
            map: file,
            source: target,
            shipped: true,
          });
        }
      });
    }
  });
});
