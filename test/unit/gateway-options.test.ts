import type { onRequestHookHandler } from 'fastify';
import { Errors } from '../../src/errors';
import {
  GATEWAY_OPTIONS,
  keepGatewayOptions,
  type GatewayOptions,
} from '../../src/gateway-options';
import { jsonCodec } from '../../src/gateway/json-codec';

const hook: onRequestHookHandler = (_request, _reply, done) => done();

/** One valid value per option: the table and this list must name the same keys. */
const VALID: Required<GatewayOptions> = {
  hooks: { onRequest: hook },
  schema: { querystring: { type: 'object', required: ['token'] } },
  limits: { maxDepth: 8 },
  scope: 'connection',
  codec: jsonCodec,
  keepHeaders: ['x-id'],
  allowedOrigins: ['https://a.example'],
  validator: { skipMissingProperties: true },
};

const keep = (options: unknown) => keepGatewayOptions('@Gateway("/x", options)', options);

describe('GATEWAY_OPTIONS', () => {
  it('has a row for every key the type names, and accepts a valid value for each', () => {
    expect(Object.keys(GATEWAY_OPTIONS).sort()).toEqual(Object.keys(VALID).sort());
    const kept = keep(VALID);
    expect(kept).toEqual(VALID);
    expect(Object.keys(kept).sort()).toEqual(Object.keys(VALID).sort());
  });

  it.each(['hooks', 'schema', 'limits', 'validator', 'keepHeaders', 'allowedOrigins'] as const)(
    'keeps %s as a frozen copy, so later edits of the passed object do not reach the gateway',
    (key) => {
      const value = shallowCopy(VALID[key]);
      const kept = keep({ [key]: value })[key] as object;
      expect(kept).toEqual(value);
      expect(kept).not.toBe(value);
      expect(Object.isFrozen(kept)).toBe(true);
      if (Array.isArray(value)) value.push('x-later');
      else (value as Record<string, unknown>).later = 1;
      expect(kept).not.toEqual(value);
    },
  );

  it('keeps what the copies hold by reference: hook functions, JSON schemas', () => {
    const kept = keep(VALID);
    expect(kept.hooks?.onRequest).toBe(hook);
    expect(kept.schema?.querystring).toBe(VALID.schema.querystring);
  });

  it("keeps allowedOrigins '*' as it is", () => {
    expect(keep({ allowedOrigins: '*' }).allowedOrigins).toBe('*');
  });

  it('keeps the codec itself, which may hold state', () => {
    expect(keep({ codec: jsonCodec }).codec).toBe(jsonCodec);
  });

  it('freezes the kept options and drops keys set to undefined', () => {
    const kept = keep({ scope: undefined, limits: { maxDepth: 2 } });
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.keys(kept)).toEqual(['limits']);
  });

  it.each<[string, unknown, string]>([
    ['a schema that is not an object', { schema: 'x' }, 'option "schema" must be an object'],
    [
      'a schema part an upgrade does not have',
      { schema: { body: {} } },
      'option "schema" may only hold params, querystring, headers',
    ],
    ['validator that is not an object', { validator: [] }, 'option "validator" must be an object'],
    [
      'an own key that shadows Object.prototype',
      { toString: 1 },
      'unknown option "toString": use one of hooks, schema, limits, scope, codec, keepHeaders, allowedOrigins, validator',
    ],
  ])('refuses %s', (_label, options, message) => {
    let thrown: unknown;
    try {
      keep(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Errors.INVALID_ARGUMENT);
    expect((thrown as Error).message).toBe(`@Gateway("/x", options): ${message}`);
  });
});

function shallowCopy<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : { ...value }) as T;
}
