/**
 * The shapes the decorators record and `metadata.ts` reads back: a frozen `GatewayDefinition`
 * is all the runtime ever sees of a gateway class. Types only, no behaviour.
 */
import type { FastifySchema, RouteShorthandOptions } from 'fastify';
import type { ValidatorOptions } from 'class-validator';
import type { Limits } from './gateway/limits';
import type { Codec } from './gateway/codec';

/** A class constructor, as decorators receive it. */
export type Constructor<T = object> = abstract new (...args: any[]) => T;

/**
 * What `@UseGuards`, `@UseInterceptors`, `@UseFilters` and parameter pipes record: a class
 * (resolved through the container when the app starts), an instance, or a plain function.
 * The runtime checks the shape (`canActivate`, `intercept`, `catch`, `transform`) at `ready()`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EnhancerRef = Function | object;

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

/** Options of `@Gateway(path, options)`. */
export interface GatewayOptions {
  /** Fastify hooks for the upgrade request; a hook that replies refuses the upgrade. */
  readonly hooks?: GatewayHooks;
  /** Validated before the upgrade: params, querystring, headers. */
  readonly schema?: Pick<FastifySchema, 'params' | 'querystring' | 'headers'>;
  /** Per-connection limits for this gateway; missing keys keep bootstrap's or the defaults. */
  readonly limits?: Partial<Limits>;
  /** `singleton` (default): one instance per app. `connection`: one per connection. */
  readonly scope?: 'singleton' | 'connection';
  /** Frame codec; JSON by default. */
  readonly codec?: Codec;
  /** Upgrade request headers copied onto `Connection.headers` (lower-case names). Default none. */
  readonly keepHeaders?: readonly string[];
  /**
   * Origins allowed to upgrade: exact `Origin` values, or `'*'` for any; others get 403.
   * Default: only an `Origin` whose host is the request's own (clients without `Origin` pass).
   */
  readonly allowedOrigins?: readonly string[] | '*';
  /** class-validator options merged over the defaults (whitelist, forbidNonWhitelisted, forbidUnknownValues). */
  readonly validator?: ValidatorOptions;
}

/** Where a handler parameter's value comes from. */
export type ParamSource = 'body' | 'connection' | 'param' | 'query' | 'request' | 'code' | 'reason';

export interface ParamDefinition {
  readonly index: number;
  readonly source: ParamSource;
  /** For `param` / `query` / `body`: the key to pick; absent means the whole record or body. */
  readonly name?: string;
  /** Pipes the value goes through, in written order. */
  readonly pipes?: readonly EnhancerRef[];
}

export type HandlerKind = 'connect' | 'message' | 'close';

export interface HandlerDefinition {
  readonly kind: HandlerKind;
  /** Method name on the gateway class. */
  readonly member: string;
  /** `@OnMessage` event name. */
  readonly event?: string;
  /** One entry per declared parameter, decorated ones in their slot, the rest filled by position defaults. */
  readonly params: readonly ParamDefinition[];
  /** DTO class the body is validated against; absent means passed through unvalidated. */
  readonly bodyType?: Constructor;
  /** `@OnMessage(event, { reply: Dto })`: the reply's DTO, for the AsyncAPI document and typed clients. */
  readonly replyType?: Constructor;
  /** `@OnMessage(event, { errors })`: the `WsException` codes the handler declares it may send. */
  readonly errors?: readonly string[];
  /** `@UseGuards` of the class, then of the method; message handlers only. */
  readonly guards?: readonly EnhancerRef[];
  /** `@UseInterceptors` of the class, then of the method; message handlers only. */
  readonly interceptors?: readonly EnhancerRef[];
  /** `@UseFilters` of the class, then of the method; message handlers only. */
  readonly filters?: readonly EnhancerRef[];
  /** `SetMetadata` values: the method's, then the class's for keys the method does not set. */
  readonly metadata?: ReadonlyMap<unknown, unknown>;
}

export interface GatewayDefinition {
  readonly target: Constructor;
  /** Class name, for messages. */
  readonly name: string;
  readonly path: string;
  readonly options: GatewayOptions;
  readonly onConnect: readonly HandlerDefinition[];
  readonly onClose: readonly HandlerDefinition[];
  /** `@OnMessage` handlers by event. */
  readonly messages: ReadonlyMap<string, HandlerDefinition>;
  /** `@Emits(event, Dto)`: the events the gateway sends to clients, with their DTO, in declaration order. */
  readonly emits: ReadonlyMap<string, Constructor>;
  /** True when some handler takes the Fastify request, so the runtime must keep it per connection. */
  readonly usesRequest: boolean;
}
