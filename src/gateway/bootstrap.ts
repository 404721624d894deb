import type { ValidatorOptions } from 'class-validator';
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Constructor, GatewayDefinition } from '../definition';
import { readGatewayDefinition } from '../metadata';
import { Errors, WireErrorCode } from '../errors';
import fastifyWebsocket, { addDrainHook, hasDrainHooks } from '../websocket/plugin';
import { MemoryAdapter } from './memory-adapter';
import { GatewayRuntime } from './gateway-runtime';
import { jsonCodec } from './json-codec';
import { resolveLimits } from './limits';
import type { GlobalEnhancers } from './compiled-handler';
import {
  enhancerFunction,
  type EnhancerShape,
  type FilterFn,
  type GuardFn,
  type InterceptFn,
} from './enhancers';
import { runLifecycle } from './lifecycle';
import { AppContainer } from './providers';
import { createMetrics } from './metrics';
import { MessageObserver } from './observer';
import { loadTracing } from './tracing';
import { checkBootstrapOptions, type BootstrapOptions } from './bootstrap-options';
import { addAsyncApiRoute } from './asyncapi-route';
import { resolveResume } from './resume-options';
import { connectDeadline, connectionCap, originCheck } from './upgrade-admission';

export type { BootstrapOptions } from './bootstrap-options';

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
  checkBootstrapOptions(options);
  const definitions = readDefinitions(gateways, options);
  const { clusterTimeoutMs = 5000 } = options;
  const appContainer = new AppContainer(options.container);
  await appContainer.register(options.providers);
  const global = globalEnhancers(options, appContainer);
  const metrics = options.metrics === undefined ? undefined : createMetrics(options.metrics);
  const tracing = loadTracing(options.tracing);
  const knownCodes = new Set<string>(Object.values(WireErrorCode));
  const observe = (definition: GatewayDefinition): MessageObserver | undefined =>
    metrics === undefined && tracing === undefined
      ? undefined
      : new MessageObserver(
          routePath(app.prefix, definition.path),
          definition.name,
          metrics?.forGateway(definition.name, definition.messages.keys(), knownCodes),
          tracing,
        );
  const runtimes = definitions.map(
    (definition) =>
      new GatewayRuntime({
        definition,
        limits: resolveLimits(definition.name, options.limits, definition.options.limits),
        codec: definition.options.codec ?? options.codec ?? jsonCodec,
        validator: mergeValidatorOptions(options.validator, definition.options.validator),
        app: appContainer,
        global,
        observer: observe(definition),
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
  metrics?.watchAdapter(adapter);
  // Providers are built first (dependencies first), then gateways (afterInit), then onReady runs
  // on each in that order; onClose runs in the reverse order, after the drain.
  let started: object[] = [];
  app.addHook('onReady', async () => {
    started = appContainer.instances();
    for (const [i, runtime] of runtimes.entries()) await runtime.start(adapter, paths[i]);
    for (const runtime of runtimes)
      if (runtime.singleton !== undefined) started.push(runtime.singleton);
    await runLifecycle(started, 'onReady', app.log);
  });
  const drain = async () => {
    await Promise.all(runtimes.map((runtime) => runtime.drain()));
  };
  if (hasDrainHooks(app)) addDrainHook(app, drain);
  // Upstream @fastify/websocket has no drain hooks: handlers still stop taking frames on close.
  else app.addHook('preClose', drain);
  app.addHook('onClose', async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    metrics?.close();
    await runLifecycle([...started].reverse(), 'onClose', app.log);
  });
}

/** Builds the guards, interceptors and filters of `bootstrap()` once, through the app's container. */
function globalEnhancers(options: BootstrapOptions, appContainer: AppContainer): GlobalEnhancers {
  const build = <T>(key: 'guards' | 'interceptors' | 'filters', shape: EnhancerShape): T[] => {
    const refs = options[key] ?? [];
    if (!Array.isArray(refs)) {
      throw Errors.INVALID_ARGUMENT(`bootstrap() ${key}`, `pass an array of ${key}`);
    }
    return refs.map(
      (ref: unknown, index) =>
        enhancerFunction(shape, ref as object, `bootstrap() ${key}[${index}]`, (target) =>
          appContainer.resolve(target, appContainer.container),
        ) as T,
    );
  };
  return {
    guards: build<GuardFn>('guards', 'guard'),
    interceptors: build<InterceptFn>('interceptors', 'interceptor'),
    filters: build<FilterFn>('filters', 'filter'),
  };
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
