// The session resume rows of `npm run bench` against real gateways: src/ and bench/ are
// transpiled (with decorator metadata) and run on plain node, as `npm run bench` runs its build.
// Every frame is verified; a server that cannot replay what its client missed is an error.
import { relative, join } from 'node:path';
import { rmSync } from 'node:fs';
import { PEERS, type Peer } from '../../bench/peers';
import { runRedisEchoRound } from '../../bench/redis-echo-round';
import { runRound } from '../../bench/scenarios';
import { TINY_PLAN } from '../support/bench-plan';
import { hasRedisServer } from '../support/system';
import { ROOT, sourcesUnder, transpileWithSrc } from '../support/transpile';

jest.setTimeout(120000);

let out: string;
const nodePath = process.env.NODE_PATH;

beforeAll(() => {
  out = transpileWithSrc([
    ...sourcesUnder(join(ROOT, 'bench', 'servers')).map((file) => relative(ROOT, file)),
    'bench/child-rpc.ts',
    'bench/protocol.ts',
    'test/bench/fixtures/short-buffer-resume-server.ts',
  ]);
  // The servers run the transpiled files, outside the project: resolve its node_modules.
  process.env.NODE_PATH = join(ROOT, 'node_modules');
});

afterAll(() => {
  if (nodePath === undefined) delete process.env.NODE_PATH;
  else process.env.NODE_PATH = nodePath;
  rmSync(out, { recursive: true, force: true });
});

/** The bench's peer `key`, its server run from the transpiled copy; echo and replay only. */
function peer(key: string): Peer {
  const found = PEERS.find((candidate) => candidate.key === key)!;
  const scriptFile = join(out, 'bench', 'servers', `${found.script}.js`);
  return { ...found, scriptFile, steps: ['echo', 'replay'] };
}

test('resume on: echo with every reply verified, then 1,000 missed frames replayed in order', async () => {
  const round = await runRound(peer('gateway-resume'), TINY_PLAN);

  expect(round.errors).toEqual([]);
  expect(round.values.echo).toBeGreaterThan(0);
  expect(round.values.replay).toBeGreaterThan(0);
  // Two replays of 1,000 frames, each also seen by the witness, and the echo replies.
  expect(round.verified).toBeGreaterThan(4 * 1000);
});

test('a session that cannot hold the missed frames makes the replay an error, not a number', async () => {
  const round = await runRound(
    {
      key: 'short-buffer',
      label: 'resume with maxFrames 16',
      script: 'short-buffer-resume-server',
      scriptFile: join(out, 'test', 'bench', 'fixtures', 'short-buffer-resume-server.js'),
      client: 'ws-resume',
      steps: ['echo', 'replay'],
    },
    TINY_PLAN,
  );

  expect(round.errors).toEqual([expect.stringMatching(/^replay: .*refused the resume/)]);
  expect(round.values.replay).toBeUndefined();
  // The echo run passed its closing resume: 16 frames suffice only to a client that acknowledges.
  expect(round.values.echo).toBeGreaterThan(0);
});

(hasRedisServer() ? test : test.skip)(
  'resume on with the Redis adapter: echo and replay on a gateway with its own redis-server',
  async () => {
    const round = await runRedisEchoRound(peer('gateway-redis-resume'), TINY_PLAN);

    expect(round.errors).toEqual([]);
    expect(round.values.echo).toBeGreaterThan(0);
    expect(round.values.replay).toBeGreaterThan(0);
  },
);
