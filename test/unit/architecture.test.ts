import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The import rules of `.dependency-cruiser.cjs` (run by `npm run lint`) must keep firing: a
 * rule that silently stops matching would let a cycle or a wrong-way import in unnoticed.
 * dependency-cruiser is an ES module, so it runs in a child Node process, as lint runs it.
 */
const root = resolve(__dirname, '../..');
const fixture = resolve(__dirname, 'fixtures/architecture');

interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

const CRUISE = `
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
const [config, tsconfig, baseDir] = process.argv.slice(1);
const options = await extractDepcruiseOptions(config);
const { output } = await cruise(['src'], { ...options, baseDir }, undefined, {
  tsConfig: extractTSConfig(tsconfig),
});
const violations = output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
process.stdout.write(JSON.stringify(violations));
`;

async function violationsIn(baseDir: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      CRUISE,
      resolve(root, '.dependency-cruiser.cjs'),
      resolve(root, 'tsconfig.json'),
      baseDir,
    ],
    { cwd: root },
  );
  return JSON.parse(stdout) as Violation[];
}

describe('import rules (.dependency-cruiser.cjs)', () => {
  let fixtureViolations: Violation[];

  beforeAll(async () => {
    fixtureViolations = await violationsIn(fixture);
  }, 60_000);

  const rulesFor = (from: string, to: string): string[] =>
    fixtureViolations
      .filter((v) => v.from === from && v.to === to)
      .map((v) => v.rule)
      .sort();

  it('finds a type-only cycle', () => {
    const cycles = fixtureViolations.filter((v) => v.rule === 'no-circular');
    expect(cycles).toEqual([
      expect.objectContaining({
        from: expect.stringMatching(/^src\/gateway\/cycle-[ab]\.ts$/),
        to: expect.stringMatching(/^src\/gateway\/cycle-[ab]\.ts$/),
      }),
    ]);
  });

  it.each([
    ['src/client/leak.ts', 'src/errors.ts', 'client-standalone'],
    ['src/websocket/leak.ts', 'src/gateway/cycle-a.ts', 'websocket-standalone'],
    ['src/redis/leak.ts', 'src/gateway/cycle-a.ts', 'redis-adapter-contract-only'],
    ['src/decorators/leak.ts', 'src/gateway/cycle-a.ts', 'decorators-record-only'],
    ['src/metadata.ts', 'src/gateway/cycle-a.ts', 'metadata-below-runtime'],
    ['src/testing/leak.ts', 'src/gateway/cycle-a.ts', 'testing-public-entries-only'],
    ['src/asyncapi/leak.ts', 'src/gateway/adapter.ts', 'asyncapi-reads-definitions'],
    ['src/gateway/upward.ts', 'src/decorators/leak.ts', 'gateway-not-upward'],
  ])('refuses %s -> %s (%s)', (from, to, rule) => {
    expect(rulesFor(from, to)).toEqual([rule]);
  });

  it('lets redis/ import the adapter contract', () => {
    expect(rulesFor('src/redis/allowed.ts', 'src/gateway/adapter.ts')).toEqual([]);
  });

  it('finds nothing in the real source tree', async () => {
    expect(await violationsIn(root)).toEqual([]);
  }, 60_000);
});
