import fc from 'fast-check';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { Gateway, OnMessage, bootstrap } from '../../src';

const SEED = Number(process.env.FUZZ_SEED ?? 11);
const RUNS = 60;

@Gateway('/fuzzed-options')
class OptionsGateway {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}

type Options = NonNullable<Parameters<typeof bootstrap>[2]>;

/** Every option of bootstrap(), as the docs list them. */
const KEYS: readonly (keyof Options)[] = [
  'container',
  'adapter',
  'limits',
  'requireDto',
  'allowedOrigins',
  'validator',
  'codec',
  'providers',
  'guards',
  'interceptors',
  'filters',
  'metrics',
  'tracing',
  'clusterTimeoutMs',
  'asyncapi',
  'resume',
];

/** Any value, including the awkward ones: null-prototype objects, symbols, sparse arrays. */
const awkward = fc.oneof(
  fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
    maxDepth: 2,
  }),
  fc.constantFrom<unknown>(
    Symbol('s'),
    () => undefined,
    Object.create(null),
    NaN,
    -1,
    0,
    Infinity,
    [Object.create(null)],
    [Symbol('s')],
  ),
);

/** Option values of the right outer shape with bad insides (where the checks are deeper). */
const nested: fc.Arbitrary<[keyof Options, unknown]> = fc.oneof(
  fc.tuple(
    fc.constant('limits' as const),
    fc.dictionary(
      fc.constantFrom(
        'maxPayload',
        'maxBufferedBytes',
        'ratePerSecond',
        'connectTimeoutMs',
        'maxConnections',
      ),
      awkward,
    ),
  ),
  fc.tuple(
    fc.constant('resume' as const),
    fc.record(
      { maxDisconnectionMs: awkward, maxFrames: awkward, identify: awkward },
      { requiredKeys: [] },
    ),
  ),
  fc.tuple(
    fc.constant('metrics' as const),
    fc.record({ registry: awkward, buckets: awkward }, { requiredKeys: [] }),
  ),
  fc.tuple(
    fc.constant('asyncapi' as const),
    fc.record(
      { path: fc.oneof(awkward, fc.constant('/doc')), info: awkward, servers: awkward },
      { requiredKeys: [] },
    ),
  ),
  fc.tuple(
    fc.constantFrom(
      'providers' as const,
      'guards' as const,
      'interceptors' as const,
      'filters' as const,
    ),
    fc.array(awkward, { maxLength: 3 }),
  ),
);

/** Bootstraps and readies an app with `options`; the error it rejected with, if any. */
async function attempt(options: unknown): Promise<unknown> {
  const app = Fastify({ logger: false });
  try {
    await bootstrap(app, [OptionsGateway], options as Options);
    await app.ready();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
}

/**
 * The option's own refusal: FWG_ERR_INVALID_ARGUMENT naming the option, or the documented code
 * of what it holds (a limit, an enhancer, a provider) naming that; never a TypeError from inside.
 */
const REFUSALS: Readonly<Record<string, (key: string, value: unknown) => readonly string[]>> = {
  FWG_ERR_INVALID_ARGUMENT: (key) => [key],
  FWG_ERR_INVALID_LIMIT: (_, value) => Object.keys(value as object),
  FWG_ERR_INVALID_ENHANCER: (key) => [key],
  FWG_ERR_INVALID_PROVIDER: (key) => [key],
};

function expectNamed(error: unknown, key: string, value: unknown): void {
  if (error === undefined) return;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const names = REFUSALS[String(code)]?.(key, value) ?? [];
  expect({ code, message, named: names.some((name) => String(message).includes(name)) }).toEqual({
    code,
    message,
    named: true,
  });
}

describe('bootstrap() options, fuzzed (fixed seed)', () => {
  it('any value for any option works or is refused with FWG_ERR_INVALID_ARGUMENT naming it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KEYS), awkward, async (key, value) => {
        expectNamed(await attempt({ [key]: value }), key, value);
      }),
      { seed: SEED, numRuns: RUNS * 4 },
    );
  });

  it('options of the right shape with bad insides are refused the same way', async () => {
    await fc.assert(
      fc.asyncProperty(nested, async ([key, value]) => {
        expectNamed(await attempt({ [key]: value }), key, value);
      }),
      { seed: SEED, numRuns: RUNS * 4 },
    );
  });

  // What the fuzzing found: each threw a TypeError from inside before it was fixed.
  it.each<[keyof Options, unknown]>([
    ['clusterTimeoutMs', Object.create(null)],
    ['limits', { maxPayload: [Symbol('s')] }],
    ['limits', { maxPayload: Object.create(null) }],
    ['metrics', { registry: [] }],
    ['metrics', { registry: {} }],
    ['asyncapi', { path: '/doc' }],
    ['filters', [undefined]],
    ['guards', [null]],
    // eslint-disable-next-line no-sparse-arrays
    ['interceptors', [, () => undefined]],
    // eslint-disable-next-line no-sparse-arrays
    ['providers', [,]],
  ])('%s: %p is refused with its own code, naming it', async (key, value) => {
    const error = await attempt({ [key]: value });
    expect(error).toBeDefined();
    expectNamed(error, key, value);
  });

  it('metrics buckets that are not numbers are refused', async () => {
    const value = { registry: new Registry(), buckets: ['1'] };
    const error = await attempt({ metrics: value });
    expect(error).toMatchObject({ code: 'FWG_ERR_INVALID_ARGUMENT' });
    expect(String((error as Error).message)).toContain('buckets');
  });

  it('an options value that is not a record is refused', async () => {
    await fc.assert(
      fc.asyncProperty(awkward, async (options) => {
        const error = await attempt(options);
        if (options === undefined) expect(error).toBeUndefined();
        else if (error !== undefined) expectNamed(error, 'options', options);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
