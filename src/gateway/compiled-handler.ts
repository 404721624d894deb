import type { ValidatorOptions } from 'class-validator';
import type { Constructor, EnhancerRef, GatewayDefinition, HandlerDefinition } from '../definition';
import {
  compileArguments,
  type ArgumentBuilder,
  type ArgumentSource,
  type CompiledPipe,
} from './argument-builder';
import {
  enhancerFunction,
  enhancerName,
  type EnhancerShape,
  type FilterFn,
  type GuardFn,
  type InterceptFn,
  type Resolve,
} from './enhancers';
import { compileBodyValidator, type BodyValidator } from './validation';

/** Guards, interceptors and filters of `bootstrap()`, already built: they run before the class's. */
export interface GlobalEnhancers {
  readonly guards: readonly GuardFn[];
  readonly interceptors: readonly InterceptFn[];
  readonly filters: readonly FilterFn[];
}

export const NO_GLOBAL_ENHANCERS: GlobalEnhancers = Object.freeze({
  guards: [],
  interceptors: [],
  filters: [],
});

const NO_METADATA: ReadonlyMap<unknown, unknown> = new Map();

/** How a handler's enhancers and pipes are built: through the gateway's container. */
export interface EnhancerSource {
  readonly resolve: Resolve;
  readonly global: GlobalEnhancers;
}

/** A handler ready for the hot path: everything that depends only on its definition is done. */
export interface CompiledHandler {
  /** `ChatGateway.say`, for logs. */
  readonly label: string;
  readonly gateway: Constructor;
  readonly member: string;
  readonly method: (...args: unknown[]) => unknown;
  readonly buildArguments: ArgumentBuilder;
  /** Present when the body has a DTO class. */
  readonly validate: BodyValidator | undefined;
  /** Present when some guard applies (global, class or method). */
  readonly guards: readonly GuardFn[] | undefined;
  /** Present when some interceptor applies; outermost first. */
  readonly interceptors: readonly InterceptFn[] | undefined;
  /** Present when some filter applies; the one tried first (the method's) comes first. */
  readonly filters: readonly FilterFn[] | undefined;
  /** `SetMetadata` values: the handler's, then the class's. */
  readonly metadata: ReadonlyMap<unknown, unknown>;
  /** True when a message needs a `MessageContext` (a guard, interceptor or filter applies). */
  readonly contextual: boolean;
}

const DECORATORS: Readonly<Record<'guards' | 'interceptors' | 'filters', string>> = {
  guards: '@UseGuards',
  interceptors: '@UseInterceptors',
  filters: '@UseFilters',
};

/** Compiles one handler of `gateway` once, at bootstrap. */
export function compileHandler(
  gateway: GatewayDefinition,
  handler: HandlerDefinition,
  validatorOptions: ValidatorOptions | undefined,
  source: EnhancerSource,
): CompiledHandler {
  const label = `${gateway.name}.${handler.member}`;
  const build = <T>(
    kind: 'guards' | 'interceptors' | 'filters',
    shape: EnhancerShape,
    global: readonly T[],
  ): readonly T[] | undefined => {
    const own = (handler[kind] ?? []).map(
      (ref: EnhancerRef) =>
        enhancerFunction(shape, ref, `${DECORATORS[kind]} of ${label}`, source.resolve) as T,
    );
    const all = [...global, ...own];
    return all.length === 0 ? undefined : Object.freeze(all);
  };
  const guards = build('guards', 'guard', source.global.guards);
  const interceptors = build('interceptors', 'interceptor', source.global.interceptors);
  const filters = build('filters', 'filter', source.global.filters)?.slice().reverse();
  const resolvePipes = (param: HandlerDefinition['params'][number]): CompiledPipe[] =>
    (param.pipes as readonly EnhancerRef[]).map((ref) => ({
      transform: enhancerFunction(
        'pipe',
        ref,
        `a pipe of ${label} parameter ${param.index}`,
        source.resolve,
      ) as CompiledPipe['transform'],
      name: enhancerName(ref),
    }));
  return {
    label,
    gateway: gateway.target,
    member: handler.member,
    method: (gateway.target.prototype as Record<string, (...args: unknown[]) => unknown>)[
      handler.member
    ],
    buildArguments: compileArguments(handler.params, resolvePipes),
    // An explicit `{ body: Dto }` is the event's contract even when the handler ignores the body.
    validate:
      handler.bodyType === undefined
        ? undefined
        : compileBodyValidator(handler.bodyType, validatorOptions),
    guards,
    interceptors,
    filters: filters === undefined ? undefined : Object.freeze(filters),
    metadata: handler.metadata ?? NO_METADATA,
    contextual: guards !== undefined || interceptors !== undefined || filters !== undefined,
  };
}

/** Calls the handler on `instance`; a promise only when the handler (or an async pipe) makes one. */
export function invokeHandler(
  handler: CompiledHandler,
  instance: object | undefined,
  source: ArgumentSource,
  body: unknown,
): unknown {
  const args = handler.buildArguments(source, body);
  if (Array.isArray(args)) return handler.method.apply(instance, args);
  return args.then((resolved) => handler.method.apply(instance, resolved));
}
