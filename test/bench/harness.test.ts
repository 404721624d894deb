// Smoke test of `npm run bench`: the harness drives real servers through every scenario and
// checks every reply. No timing assertions: only that it runs and the replies match.
import { join } from 'node:path';
import { runHarness } from '../../bench/harness';
import { runLatencyPhase } from '../../bench/latency-phase';
import { METRICS, PEERS, type Peer } from '../../bench/peers';
import { runRound } from '../../bench/scenarios';
import { TINY_PLAN } from '../support/bench-plan';

jest.setTimeout(120000);

test('measures raw ws and @fastify/websocket with every reply and broadcast verified', async () => {
  const outcome = await runHarness({
    plan: TINY_PLAN,
    rounds: 1,
    only: ['ws', 'fastify-websocket'],
  });

  expect(outcome.results.map((entry) => entry.peer.key)).toEqual(['ws', 'fastify-websocket']);
  for (const entry of outcome.results) {
    expect(entry.errors).toEqual([]);
    expect(entry.samples.replay).toEqual([]); // no session resume on these servers
    for (const metric of METRICS) {
      if (metric.resumeOnly) continue;
      if (metric.key === 'p50' || metric.key === 'p99' || metric.key === 'p999') {
        // A busy machine makes the generator late: then the window is flagged, not measured.
        const flagged = entry.flags.some((flag) => flag.startsWith('latency:'));
        expect(entry.samples[metric.key]).toHaveLength(flagged ? 0 : 1);
        if (!flagged) expect(entry.samples[metric.key][0]).toBeGreaterThan(0);
        continue;
      }
      expect(entry.samples[metric.key]).toHaveLength(1);
      // Heap growth over 20 connections is within GC noise and may even be negative: only
      // check it was measured. Rates and times are always positive.
      if (metric.key === 'heap') expect(Number.isFinite(entry.samples.heap[0])).toBe(true);
      else expect(entry.samples[metric.key][0]).toBeGreaterThan(0);
    }
  }
  // Per server: 20 idle echoes, 10 x 20 broadcasts, and the echo run's replies.
  expect(outcome.verified).toBeGreaterThan(2 * (20 + 200));
});

const SWAPPED: Peer = {
  key: 'swapped',
  label: 'swapped ids',
  script: 'swapped-id-server',
  scriptFile: join(__dirname, 'fixtures', 'swapped-id-server.ts'),
  client: 'ws',
};

test('reports a server that answers with another request id as an error, not a number', async () => {
  const round = await runRound(SWAPPED, TINY_PLAN);

  expect(round.errors).toEqual([expect.stringMatching(/^echo: \d+ mismatched and 0 lost replies/)]);
  expect(round.values.echo).toBeUndefined();
  expect(Number.isFinite(round.values.heap)).toBe(true);
});

test('the latency phase reports such a server as an error and still measures the others', async () => {
  const ws = PEERS.find((peer) => peer.key === 'ws')!;
  const plan = { ...TINY_PLAN, latency: { ...TINY_PLAN.latency, windows: 2 } };
  const { outcomes, lateP99 } = await runLatencyPhase([SWAPPED, ws], plan);

  const swapped = outcomes.get(SWAPPED)!;
  expect(swapped.errors).toEqual([
    expect.stringMatching(/^latency: \d+ mismatched and \d+ lost replies/),
  ]);
  expect(swapped.windows).toEqual([]);
  const raw = outcomes.get(ws)!;
  expect(raw.errors).toEqual([]);
  // Both windows measured, unless a busy machine flagged them: never dropped without a word.
  if (raw.flags.length === 0) expect(raw.windows).toHaveLength(2);
  for (const window of raw.windows) if (window) expect(window.p99).toBeGreaterThan(0);
  expect(raw.verified).toBeGreaterThan(0);
  // The generator's timing is recorded for each window measured.
  expect(lateP99).toHaveLength(raw.windows.filter(Boolean).length);
});
