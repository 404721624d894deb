// Smoke test of `npm run bench`: the harness drives real servers through every scenario and
// checks every reply. No timing assertions: only that it runs and the replies match.
import { join } from 'node:path';
import { runHarness } from '../../bench/harness';
import { METRICS } from '../../bench/peers';
import { runRound, type Plan } from '../../bench/scenarios';

const TINY: Plan = {
  echo: { connections: 4, inFlight: 4, warmupMs: 50, measureMs: 150 },
  heap: { connections: 20 },
  connect: { connections: 20, batch: 10 },
  broadcast: { clients: 10, broadcasts: 20, repeats: 1 },
  latency: { connections: 10, minMs: 20, maxMs: 40, warmupMs: 50, measureMs: 300 },
  replay: { frames: 1000, repeats: 1 },
};

jest.setTimeout(120000);

test('measures raw ws and @fastify/websocket with every reply and broadcast verified', async () => {
  const outcome = await runHarness({ plan: TINY, rounds: 1, only: ['ws', 'fastify-websocket'] });

  expect(outcome.results.map((entry) => entry.peer.key)).toEqual(['ws', 'fastify-websocket']);
  for (const entry of outcome.results) {
    expect(entry.errors).toEqual([]);
    expect(entry.samples.replay).toEqual([]); // no session resume on these servers
    for (const metric of METRICS) {
      if (metric.resumeOnly) continue;
      if (metric.key === 'p50' || metric.key === 'p99' || metric.key === 'p999') {
        // A busy machine makes the generator late: then the round is flagged, not measured.
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

test('reports a server that answers with another request id as an error, not a number', async () => {
  const round = await runRound(
    {
      key: 'swapped',
      label: 'swapped ids',
      script: 'swapped-id-server',
      scriptFile: join(__dirname, 'fixtures', 'swapped-id-server.ts'),
      client: 'ws',
    },
    TINY,
  );

  expect(round.errors).toEqual([
    expect.stringMatching(/^echo: \d+ mismatched and 0 lost replies/),
    expect.stringMatching(/^latency: \d+ mismatched and \d+ lost replies/),
  ]);
  expect(round.values.echo).toBeUndefined();
  expect(round.values.p99).toBeUndefined();
  expect(Number.isFinite(round.values.heap)).toBe(true);
});
