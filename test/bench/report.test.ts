// The pieces of the report that decide what is printed: when a latency figure is flagged
// instead of shown, and that the chart draws every server it is given.
import { renderChart } from '../../bench/chart';
import { METRICS, PEERS, type MetricKey } from '../../bench/peers';
import type { PeerSamples } from '../../bench/report';
import { latencyFlags } from '../../bench/scenarios';

const CLEAN = {
  seconds: 2,
  sent: 13000,
  replies: 13000,
  p50: 0.4,
  p99: 2,
  p999: 4,
  // Timers a millisecond late against a 2 ms p99 are their granularity, not a busy machine:
  // latencies count from when each request was written.
  lateP99: 1.2,
  generatorLoad: 0.4,
};

test('a latency run is flagged when the generator or the machine set it', () => {
  expect(latencyFlags(CLEAN, 6667, 20)).toEqual([]);
  expect(latencyFlags({ ...CLEAN, generatorLoad: 0.95 }, 6667, 20)).toEqual([
    'latency: load generator at 95% of its core',
  ]);
  expect(latencyFlags({ ...CLEAN, sent: 10000 }, 6667, 20)).toEqual([
    'latency: generator sent 75% of the offered rate',
  ]);
  expect(latencyFlags({ ...CLEAN, replies: 6500 }, 6667, 20)).toEqual([
    'latency: 50% of requests answered in the window (server above saturation)',
  ]);
  expect(latencyFlags({ ...CLEAN, lateP99: 2.5 }, 6667, 20)).toEqual([
    'latency: generator timers 2.5 ms late at p99 against a p99 of 2.0 ms (machine busy)',
  ]);
  // Late by more than a quarter of the shortest gap: the schedule lost its shape.
  expect(latencyFlags({ ...CLEAN, p99: 40, p999: 50, lateP99: 7 }, 6667, 20)).toEqual([
    'latency: generator timers 7.0 ms late at p99 against a p99 of 40.0 ms (machine busy)',
  ]);
});

test('the chart has a bar per measured server and the scale curve', () => {
  const keys = ['ws', 'ws-cork', 'gateway'];
  const all: PeerSamples[] = keys.map((key, index) => {
    const values = Object.fromEntries(
      METRICS.map((metric) => [metric.key, 100 * (index + 1)]),
    ) as Record<MetricKey, number>;
    return {
      peer: PEERS.find((peer) => peer.key === key)!,
      samples: Object.fromEntries(METRICS.map((m) => [m.key, [values[m.key]]])) as Record<
        MetricKey,
        number[]
      >,
      rounds: [values],
      generatorLoad: [0.5],
      errors: [],
      flags: [],
    };
  });
  const scale = [1000, 10000].flatMap((connections) =>
    keys.map((key) => ({
      key,
      label: key,
      connections,
      heap: 3000,
      rss: 9000,
      acceptSeconds: 1,
    })),
  );

  const svg = renderChart(all, scale, 'test');

  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg).not.toContain('NaN');
  // Eight metric panels × three servers; the gateway is at 1.5× ws + cork on every metric.
  expect(svg.match(/<rect x=/g)?.length).toBe(8 * 3 + keys.length);
  expect(svg.match(/1\.50×/g)?.length).toBe(8);
  expect(svg.match(/<polyline /g)?.length).toBe(3);
});
