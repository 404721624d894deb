/**
 * The options of `bootstrap(app, gateways, options)` and their checks, as one table keyed by
 * every option, so an option cannot be added without its check. The options a gateway may also
 * set (`limits`, `codec`, `allowedOrigins`, `validator`, `resume`) take the `@Gateway` table's.
 */
import type { ValidatorOptions } from 'class-validator';
import type { DependencyContainer } from 'tsyringe';
import { Errors } from '../errors';
import { GATEWAY_OPTIONS, isRecord, mustBe } from '../gateway-options';
import type { GatewayAdapter } from './adapter';
import type { AsyncApiRouteOptions } from './asyncapi-route';
import type { Codec } from './codec';
import type { FilterRef, GuardRef, InterceptorRef } from './enhancers';
import type { Limits } from './limits';
import type { MetricsOptions } from './metrics';
import type { Provider } from './providers';
import type { ResumeOptions } from './resume-options';
import type { AllowedOrigins } from './upgrade-admission';

/** Options of `bootstrap(app, gateways, options)`; each gateway's own options win over these. */
export interface BootstrapOptions {
  /** Where gateways and their dependencies are resolved; default a child of tsyringe's global container. */
  readonly container?: DependencyContainer;
  /** Carries broadcasts to other processes (e.g. `RedisAdapter`); default in-process only. */
  readonly adapter?: GatewayAdapter;
  /** Limits for every gateway; a gateway's `limits` override these key by key. */
  readonly limits?: Partial<Limits>;
  /** Refuse (at `ready()`) message handlers whose body has no DTO class. */
  readonly requireDto?: boolean;
  /**
   * Origins allowed to upgrade, for gateways without their own `allowedOrigins`: exact `Origin`
   * values, or `'*'` for any. Default: only the request's own host (see docs/limits.md).
   */
  readonly allowedOrigins?: AllowedOrigins;
  /** class-validator options for every gateway, merged over the defaults. */
  readonly validator?: ValidatorOptions;
  /** Frame codec for gateways without their own; JSON by default. */
  readonly codec?: Codec;
  /**
   * Services for the container, singletons: classes, `{ provide, useValue }`,
   * `{ provide, useClass }`, `{ provide, useFactory, inject }` (async factories finish before
   * `ready()` does).
   */
  readonly providers?: readonly Provider[];
  /** Guards for every message handler of every gateway, before the class's and the method's. */
  readonly guards?: readonly GuardRef[];
  /** Interceptors around every message handler of every gateway, outermost. */
  readonly interceptors?: readonly InterceptorRef[];
  /** Filters for every message handler of every gateway, tried after the class's and the method's. */
  readonly filters?: readonly FilterRef[];
  /** Prometheus metrics into your prom-client `Registry` (an optional peer). */
  readonly metrics?: MetricsOptions;
  /**
   * A span per handled message when an OpenTelemetry tracer provider is registered (default);
   * `false` turns it off.
   */
  readonly tracing?: boolean;
  /**
   * How long `fetchAll`, `joinAll`, `leaveAll`, `disconnectAll` and `serverSideEmit` wait for the
   * other processes before rejecting with `ClusterTimeoutError`, in ms. Default 5000.
   */
  readonly clusterTimeoutMs?: number;
  /** Serve the gateways' AsyncAPI document as JSON on `GET path` (see `fastify-ws-gateway/asyncapi`). */
  readonly asyncapi?: AsyncApiRouteOptions;
  /** Session resume for every gateway without its own `resume` option (see docs/session-resume.md). */
  readonly resume?: boolean | ResumeOptions;
}

type Check = (value: unknown) => string | undefined;

const isBoolean = (value: unknown): boolean => typeof value === 'boolean';

/** Options whose value is checked where it is built, with a message of its own. */
const checkedWhereUsed: Check = () => undefined;

const BOOTSTRAP_OPTIONS: Readonly<Record<keyof BootstrapOptions, Check>> = {
  container: mustBe(
    'a tsyringe DependencyContainer',
    (value) => isRecord(value) && typeof value.createChildContainer === 'function',
  ),
  adapter: mustBe(
    'a GatewayAdapter (an object with open(channel))',
    (value) => isRecord(value) && typeof value.open === 'function',
  ),
  limits: GATEWAY_OPTIONS.limits.check,
  requireDto: mustBe('a boolean', isBoolean),
  allowedOrigins: GATEWAY_OPTIONS.allowedOrigins.check,
  validator: GATEWAY_OPTIONS.validator.check,
  codec: GATEWAY_OPTIONS.codec.check,
  providers: checkedWhereUsed,
  guards: checkedWhereUsed,
  interceptors: checkedWhereUsed,
  filters: checkedWhereUsed,
  metrics: checkedWhereUsed,
  tracing: mustBe('a boolean', isBoolean),
  clusterTimeoutMs: (value) =>
    Number.isSafeInteger(value) && (value as number) >= 1
      ? undefined
      : `must be a positive integer (ms), got ${String(value)}`,
  asyncapi: checkedWhereUsed,
  resume: GATEWAY_OPTIONS.resume.check,
};

const KEYS = Object.keys(BOOTSTRAP_OPTIONS);

/** Throws `FWG_ERR_INVALID_ARGUMENT` for a value that is not an options object, or an unknown or bad option. */
export function checkBootstrapOptions(options: unknown): asserts options is BootstrapOptions {
  const where = 'bootstrap(app, gateways, options)';
  if (!isRecord(options)) throw Errors.INVALID_ARGUMENT(where, 'options must be an object');
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(BOOTSTRAP_OPTIONS, key)) {
      throw Errors.INVALID_ARGUMENT(
        where,
        `unknown option "${key}": use one of ${KEYS.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    const problem = BOOTSTRAP_OPTIONS[key as keyof BootstrapOptions](value);
    if (problem !== undefined) throw Errors.INVALID_ARGUMENT(where, `option "${key}" ${problem}`);
  }
}
