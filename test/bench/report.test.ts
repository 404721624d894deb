// The pieces of the report that decide what is printed: when a latency figure is flagged
// instead of shown, and that the chart draws every server it is given.
import { renderChart } from '../../bench/chart';
import { machineNote, rotation, windowFlags } from '../../bench/latency-phase';
import { METRICS, PEERS, type MetricKey } from '../../bench/peers';
import { ratioOf, type PeerSamples } from '../../bench/report';

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

test('a latency window is left out when the generator, not the server, set it', () => {
  expect(windowFlags(CLEAN, 6667, 20)).toEqual([]);
  expect(windowFlags({ ...CLEAN, generatorLoad: 0.95 }, 6667, 20)).toEqual([
    'latency: load generator at 95% of its core',
  ]);
  expect(windowFlags({ ...CLEAN, sent: 10000 }, 6667, 20)).toEqual([
    'latency: generator sent 75% of the offered rate',
  ]);
  // Late by more than a quarter of the shortest gap: the schedule lost its shape.
  expect(windowFlags({ ...CLEAN, lateP99: 7 }, 6667, 20)).toEqual([
    'latency: generator timers 7.0 ms late at p99 (the schedule lost its shape)',
  ]);
  // A few ms late is the machine's noise, the same for every server: the window counts.
  expect(windowFlags({ ...CLEAN, lateP99: 4 }, 6667, 20)).toEqual([]);
  expect(windowFlags({ ...CLEAN, replies: 6500 }, 6667, 20)).toEqual([
    'latency: 50% of requests answered in the window (server above saturation)',
  ]);
});

test("the generator's timing is said of the run, not held against the fastest servers", () => {
  expect(machineNote([1.2, 2.6, 30])).toBe(
    "Latency: the load generator's timers fired 2.6 ms late at p99 in the median window (1 ms is their granularity); latencies of that size are as much the generator's and the machine's as the server's, alike for every server since the windows interleave.",
  );
  expect(machineNote([])).toBeUndefined();
});

test('each latency cycle starts one server later, so no server always follows the same one', () => {
  expect([0, 1, 2, 3].map((cycle) => rotation(['a', 'b', 'c'], cycle).join(''))).toEqual([
    'abc',
    'bca',
    'cab',
    'abc',
  ]);
  expect(rotation([], 2)).toEqual([]);
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
      windows: [values],
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

test('latency ratios pair each window with the reference window of the same cycle', () => {
  const entry = (key: string, windows: PeerSamples['windows']): PeerSamples => ({
    peer: PEERS.find((peer) => peer.key === key)!,
    samples: Object.fromEntries(METRICS.map((m) => [m.key, []])) as unknown as Record<
      MetricKey,
      number[]
    >,
    rounds: [{ echo: 10 }, { echo: 20 }],
    windows,
    generatorLoad: [],
    errors: [],
    flags: [],
  });
  const all = [
    entry('ws-cork', [{ p99: 1 }, { p99: 1 }, { p99: 2 }]),
    // The second window was flagged: left out, the others paired by cycle.
    entry('gateway', [{ p99: 2 }, {}, { p99: 3 }]),
  ];
  expect(ratioOf(all, 'gateway', 'p99', 'ws-cork')).toBe(1.75);
  expect(ratioOf(all, 'gateway', 'echo', 'ws-cork')).toBe(1);
});
