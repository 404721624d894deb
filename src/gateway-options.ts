/**
 * The options of `@Gateway(path, options)`, as one table: each key's type, its check and what
 * the definition keeps of it come from its row, so a key cannot be validated but not kept (or
 * kept but not typed). `GatewayOptions` is derived from the table.
 */
import type { FastifySchema, RouteShorthandOptions } from 'fastify';
import type { ValidatorOptions } from 'class-validator';
import type { ResumeOptions } from './gateway/resume-options';
import { Errors } from './errors';
import type { Codec } from './gateway/codec';
import type { Limits } from './gateway/limits';

/** Fastify route-level hooks a gateway route may carry (callback or async form). */
export type GatewayHooks = Pick<
  RouteShorthandOptions,
  | 'onRequest'
  | 'preParsing'
  | 'preValidation'
  | 'preHandler'
  | 'preSerialization'
  | 'onSend'
  | 'onResponse'
  | 'onError'
  | 'onTimeout'
  | 'onRequestAbort'
>;

/** The parts of a Fastify route schema an upgrade request can be validated against. */
export type GatewaySchema = Pick<FastifySchema, 'params' | 'querystring' | 'headers'>;

/** One option: what is wrong with a value (or `undefined`), and what the definition keeps. */
interface OptionRow<T> {
  readonly check: (value: unknown) => string | undefined;
  readonly keep: (value: T) => T;
}

const row = <T>(check: OptionRow<T>['check'], keep: OptionRow<T>['keep']): OptionRow<T> => ({
  check,
  keep,
});

const SCHEMA_KEYS = ['params', 'querystring', 'headers'];

/**
 * Every gateway option. Records and lists are kept as frozen shallow copies, so later edits
 * of the object passed to `@Gateway` do not reach the gateway; the functions and objects they
 * hold (hook functions, JSON schemas, the codec) are kept by reference.
 */
export const GATEWAY_OPTIONS = {
  /** Fastify hooks for the upgrade request; a hook that replies refuses the upgrade. */
  hooks: row<GatewayHooks>(mustBe('an object', isRecord), frozenRecord),
  /** Validated before the upgrade: params, querystring, headers. */
  schema: row<GatewaySchema>(
    (value) =>
      !isRecord(value)
        ? 'must be an object'
        : Object.keys(value).some((key) => !SCHEMA_KEYS.includes(key))
          ? `may only hold ${SCHEMA_KEYS.join(', ')}`
          : undefined,
    frozenRecord,
  ),
  /** Per-connection limits for this gateway; missing keys keep bootstrap's or the defaults. */
  limits: row<Partial<Limits>>(mustBe('an object', isRecord), frozenRecord),
  /** `singleton` (default): one instance per app. `connection`: one per connection. */
  scope: row<'singleton' | 'connection'>(
    mustBe(
      '"singleton" or "connection"',
      (value) => value === 'singleton' || value === 'connection',
    ),
    same,
  ),
  /** Frame codec; JSON by default. Kept by reference: a codec may hold state. */
  codec: row<Codec>(
    (value) =>
      isRecord(value) &&
      typeof value.decode === 'function' &&
      typeof value.encode === 'function' &&
      typeof value.binary === 'boolean'
        ? undefined
        : 'must have decode(), encode() and a boolean "binary"',
    same,
  ),
  /** Upgrade request headers copied onto `Connection.headers` (lower-case names). Default none. */
  keepHeaders: row<readonly string[]>(
    (value) =>
      !isStringList(value)
        ? 'must be an array of strings'
        : value.some((header) => header !== header.toLowerCase())
          ? 'must list lower-case header names, as Node reports them'
          : undefined,
    frozenList,
  ),
  /**
   * Origins allowed to upgrade: exact `Origin` values, or `'*'` for any; others get 403.
   * Default: only an `Origin` whose host is the request's own (clients without `Origin` pass).
   */
  allowedOrigins: row<readonly string[] | '*'>(
    mustBe("an array of strings or '*'", (value) => value === '*' || isStringList(value)),
    (value) => (value === '*' ? value : frozenList(value)),
  ),
  /** class-validator options merged over the defaults (whitelist, forbidNonWhitelisted, forbidUnknownValues). */
  validator: row<ValidatorOptions>(mustBe('an object', isRecord), frozenRecord),
  /** Session resume: a dropped client gets its session back (see docs/session-resume.md). Default off. */
  resume: row<boolean | ResumeOptions>(
    mustBe('true, false or an options object', (v) => typeof v === 'boolean' || isRecord(v)),
    same,
  ),
};

type OptionType<R> = R extends OptionRow<infer T> ? T : never;

/** Options of `@Gateway(path, options)`. */
export type GatewayOptions = {
  readonly [K in keyof typeof GATEWAY_OPTIONS]?: OptionType<(typeof GATEWAY_OPTIONS)[K]>;
};

const KEYS = Object.keys(GATEWAY_OPTIONS) as (keyof typeof GATEWAY_OPTIONS)[];

/**
 * Checks `options` against the table and returns what a definition keeps of them (frozen).
 * Throws `FWG_ERR_INVALID_ARGUMENT` naming `where` and the option.
 */
export function keepGatewayOptions(where: string, options: unknown): GatewayOptions {
  if (!isRecord(options)) throw Errors.INVALID_ARGUMENT(where, 'options must be an object');
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(GATEWAY_OPTIONS, key)) {
      throw Errors.INVALID_ARGUMENT(
        where,
        `unknown option "${key}": use one of ${KEYS.join(', ')}`,
      );
    }
    const value = options[key];
    if (value === undefined) continue;
    const { check, keep } = GATEWAY_OPTIONS[
      key as keyof typeof GATEWAY_OPTIONS
    ] as OptionRow<unknown>;
    const problem = check(value);
    if (problem !== undefined) {
      throw Errors.INVALID_ARGUMENT(where, `option "${key}" ${problem}`);
    }
    kept[key] = keep(value);
  }
  return Object.freeze(kept) as GatewayOptions;
}

export function mustBe(
  what: string,
  test: (value: unknown) => boolean,
): (value: unknown) => string | undefined {
  return (value) => (test(value) ? undefined : `must be ${what}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function frozenRecord<T>(value: T): T {
  return Object.freeze({ ...value });
}

function frozenList<T extends readonly unknown[]>(value: T): T {
  return Object.freeze([...value]) as unknown as T;
}

function same<T>(value: T): T {
  return value;
}
