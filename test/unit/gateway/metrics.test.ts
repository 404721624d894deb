import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { HandlerDurations, closeCodeLabel, createMetrics } from '../../../src/gateway/metrics';

describe('closeCodeLabel', () => {
  it('keeps protocol codes and groups the rest, so a client cannot add label values', () => {
    expect(closeCodeLabel(1000)).toBe('1000');
    expect(closeCodeLabel(1015)).toBe('1015');
    expect(closeCodeLabel(3001)).toBe('3xxx');
    expect(closeCodeLabel(4999)).toBe('4xxx');
    for (const code of [999, 1016, 2999, 5000]) expect(closeCodeLabel(code)).toBe('other');
  });
});

describe('the handler-duration histogram', () => {
  const bounds = [0.0005, 0.001, 0.01, 0.5, 5];

  it('reads exactly like a prom-client Histogram fed the same durations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...bounds), fc.double({ min: 0, max: 10, noNaN: true }))),
        async (durations) => {
          const ours = new Registry();
          const theirs = new Registry();
          const histogram = new HandlerDurations(bounds);
          ours.registerMetric(histogram as unknown as Histogram);
          const reference = new Histogram({
            name: 'fwg_handler_duration_seconds',
            help: histogram.help,
            labelNames: ['gateway', 'event'],
            buckets: bounds,
            registers: [theirs],
          });
          for (const seconds of durations) {
            histogram.of('Chat', 'say').observe(seconds);
            reference.observe({ gateway: 'Chat', event: 'say' }, seconds);
          }
          // Exemplars are off, which prom-client spells `exemplar: null` on each bucket.
          const [expected] = await theirs.getMetricsAsJSON();
          const values = expected.values.map((value) => {
            const { exemplar: _, ...rest } = value as typeof value & { exemplar?: unknown };
            return rest;
          });
          expect(await ours.getMetricsAsJSON()).toEqual([{ ...expected, values }]);
          expect(await ours.metrics()).toBe(await theirs.metrics());
        },
      ),
      { numRuns: 50 },
    );
  });

  it('shares one series per gateway and event, and starts again at zero on reset', async () => {
    const registry = new Registry();
    const histogram = new HandlerDurations(bounds);
    registry.registerMetric(histogram as unknown as Histogram);
    expect(histogram.of('Chat', 'say')).toBe(histogram.of('Chat', 'say'));
    expect(histogram.of('Chat', 'say')).not.toBe(histogram.of('Chat', 'said'));
    histogram.of('Chat', 'say').observe(0.002);
    expect(await registry.metrics()).toContain(
      'fwg_handler_duration_seconds_count{gateway="Chat",event="say"} 1',
    );
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('fwg_handler_duration_seconds_count');
  });
});

describe('createMetrics', () => {
  it.each([null, undefined, {}, { registry: {} }])('refuses %p: it needs a Registry', (options) => {
    expect(() => createMetrics(options as never)).toThrow(
      'bootstrap() metrics: pass { registry }, a prom-client Registry',
    );
  });
});
