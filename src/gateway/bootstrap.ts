import type { ValidatorOptions } from 'class-validator';
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { DependencyContainer } from 'tsyringe';
import type { Constructor, GatewayDefinition } from '../definition';
import { readGatewayDefinition } from '../metadata';
import { Errors } from '../errors';
import fastifyWebsocket, { addDrainHook, hasDrainHooks } from '../websocket/plugin';
import type { GatewayAdapter } from './adapter';
import { MemoryAdapter } from './memory-adapter';
import type { Codec } from './codec';
import { GatewayRuntime } from './gateway-runtime';
import { jsonCodec } from './json-codec';
import { resolveLimits, type Limits } from './limits';
import { addAsyncApiRoute, type AsyncApiRouteOptions } from './asyncapi-route';
import { resolveResume, type ResumeOptions } from './resume-options';
import {
  connectDeadline,
  connectionCap,
  originCheck,
  type AllowedOrigins,
} from './upgrade-admission';

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
   * How long `fetchAll`, `joinAll`, `leaveAll`, `disconnectAll` and `serverSideEmit` wait for the
   * other processes before rejecting with `ClusterTimeoutError`, in ms. Default 5000.
   */
  readonly clusterTimeoutMs?: number;
  /** Serve the gateways' AsyncAPI document as JSON on `GET path` (see `fastify-ws-gateway/asyncapi`). */
  readonly asyncapi?: AsyncApiRouteOptions;
  /** Session resume for every gateway without its own `resume` option (see docs/session-resume.md). */
  readonly resume?: boolean | ResumeOptions;
}

interface PluginOptions {
  readonly gateways: readonly Constructor<unknown>[];
  readonly options: BootstrapOptions;
}

/**
 * Serves `gateways` on `app`: one websocket route per gateway (so hooks, prefixes and
 * `injectWS` apply), registering the websocket plugin if `app` has none. Misuse rejects the
 * returned promise and `app.ready()`.
 *
 * @example
 * ```ts
 * const app = Fastify({ logger: true });
 * await bootstrap(app, [ChatGateway], { limits: { maxPayload: 16384 } });
 * await app.listen({ port: 3000 });
 * ```
 */
export async function bootstrap(
  app: FastifyInstance,
  gateways: readonly Constructor<unknown>[],
  options: BootstrapOptions = {},
): Promise<void> {
  await app.register(gatewaysPlugin, { gateways, options });
}

const gatewaysPlugin = fp<PluginOptions>(registerGateways, {
  fastify: '5.x',
  name: 'fastify-ws-gateway',
});

async function registerGateways(app: FastifyInstance, { gateways, options }: PluginOptions) {
  const definitions = readDefinitions(gateways, options);
  const { clusterTimeoutMs = 5000 } = options;
  if (!Number.isSafeInteger(clusterTimeoutMs) || clusterTimeoutMs < 1) {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap(app, gateways, options)',
      `options.clusterTimeoutMs must be a positive integer (ms), got ${String(clusterTimeoutMs)}`,
    );
  }
  const runtimes = definitions.map(
    (definition) =>
      new GatewayRuntime({
        definition,
        limits: resolveLimits(definition.name, options.limits, definition.options.limits),
        codec: definition.options.codec ?? options.codec ?? jsonCodec,
        validator: mergeValidatorOptions(options.validator, definition.options.validator),
        container: options.container,
        log: app.log,
        resume: resolveResume(definition.name, options.resume, definition.options.resume),
        clusterTimeoutMs,
      }),
  );
  if (!app.hasDecorator('websocketServer')) {
    // ws enforces the largest limit; smaller per-gateway limits are enforced per connection.
    const maxPayload = Math.max(
      ...runtimes.map((runtime) => runtime.limits.maxPayload),
      runtimes.length === 0 ? resolveLimits('bootstrap()', options.limits).maxPayload : 0,
    );
    await app.register(fastifyWebsocket, { options: { maxPayload } });
  }
  const paths = runtimes.map((runtime) => routePath(app.prefix, runtime.definition.path));
  for (const runtime of runtimes) addRoute(app, runtime, options);
  if (options.asyncapi !== undefined) addAsyncApiRoute(app, definitions, options.asyncapi);

  const adapter = options.adapter ?? new MemoryAdapter();
  app.addHook('onReady', async () => {
    runtimes.forEach((runtime, i) => runtime.start(adapter, paths[i]));
  });
  const drain = async () => {
    await Promise.all(runtimes.map((runtime) => runtime.drain()));
  };
  if (hasDrainHooks(app)) addDrainHook(app, drain);
  // Upstream @fastify/websocket has no drain hooks: handlers still stop taking frames on close.
  else app.addHook('preClose', drain);
  app.addHook('onClose', async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
  });
}

/** Reads every definition and reports cross-gateway misuse before any route exists. */
function readDefinitions(
  gateways: readonly Constructor<unknown>[],
  options: BootstrapOptions,
): GatewayDefinition[] {
  if (!Array.isArray(gateways)) {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap(app, gateways)',
      'gateways must be an array of @Gateway classes',
    );
  }
  return gateways.map((target) => {
    const definition = readGatewayDefinition(target);
    if (options.requireDto === true) requireDtos(definition);
    return definition;
  });
}

function requireDtos(definition: GatewayDefinition): void {
  for (const [event, handler] of definition.messages) {
    const takesBody = handler.params.some((param) => param.source === 'body');
    if (takesBody && handler.bodyType === undefined) {
      throw Errors.BODY_NOT_VALIDATED(definition.name, handler.member, event, event);
    }
  }
}

function mergeValidatorOptions(
  global: ValidatorOptions | undefined,
  own: ValidatorOptions | undefined,
): ValidatorOptions | undefined {
  return global === undefined || own === undefined ? (own ?? global) : { ...global, ...own };
}

function addRoute(app: FastifyInstance, runtime: GatewayRuntime, options: BootstrapOptions): void {
  const { name, path, options: gatewayOptions } = runtime.definition;
  const { hooks = {}, schema } = gatewayOptions;
  const { connectTimeoutMs, maxConnections } = runtime.limits;
  try {
    app.route({
      ...hooks,
      method: 'GET',
      url: path,
      // The definition's schema is frozen; Fastify marks the one it is given as visited.
      schema: schema && { ...schema },
      // Admission first: the deadline starts, a foreign origin is refused before any user hook.
      onRequest: [
        ...connectDeadline(connectTimeoutMs, runtime.deadlines, (request) =>
          runtime.setupTimedOut(request),
        ),
        ...originCheck(gatewayOptions.allowedOrigins ?? options.allowedOrigins),
        ...toArray(hooks.onRequest as onRequestHookHandler | onRequestHookHandler[]),
      ],
      // The cap last, right before the handshake: nothing admitted meanwhile can pass it.
      preHandler: [
        ...toArray(hooks.preHandler as preHandlerHookHandler | preHandlerHookHandler[]),
        ...connectionCap(maxConnections, () => runtime.registry.connections.size),
      ],
      websocket: true,
      handler: (socket, request) => runtime.accept(socket, request as FastifyRequest),
    });
  } catch (error) {
    // Fastify's own conflict check also catches non-exact duplicates ("/a/:x" and "/a/:y").
    if ((error as { code?: string }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw error;
    throw Errors.DUPLICATE_PATH(name, path, (error as Error).message, { cause: error });
  }
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/** The full route pattern, as Fastify registers it under `prefix`. */
function routePath(prefix: string, path: string): string {
  return prefix !== '' && path === '/' ? prefix : prefix + path;
}
