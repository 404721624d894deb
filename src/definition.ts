/**
 * The shapes the decorators record and `metadata.ts` reads back: a frozen `GatewayDefinition`
 * is all the runtime ever sees of a gateway class. Types only, no behaviour.
 */
import type { Connection } from './gateway/connection';
import type { GatewayOptions } from './gateway-options';

export type { GatewayHooks, GatewayOptions, GatewaySchema } from './gateway-options';

/** A class constructor, as decorators receive it. */
export type Constructor<T = object> = abstract new (...args: any[]) => T;

/**
 * What `@UseGuards`, `@UseInterceptors`, `@UseFilters` and parameter pipes record: a class
 * (resolved through the container when the app starts), an instance, or a plain function.
 * The runtime checks the shape (`canActivate`, `intercept`, `catch`, `transform`) at `ready()`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EnhancerRef = Function | object;

/**
 * What guards, interceptors and filters see of one message.
 *
 * @example
 * const isAdmin = (ctx: MessageContext) => ctx.getMetadata<string[]>('roles')?.includes('admin');
 */
export interface MessageContext {
  readonly connection: Connection;
  readonly event: string;
  /** The request id, when the client sent one. */
  readonly id: string | number | undefined;
  /** The validated body (the raw one while validation has not passed yet). */
  readonly body: unknown;
  /** The gateway class. */
  readonly gateway: Constructor;
  /** The handler's method name. */
  readonly handler: string;
  /** A `SetMetadata` value: the handler's, else the gateway class's. */
  getMetadata<T = unknown>(key: unknown): T | undefined;
}

/** Older name of `MessageContext`, kept for function guards written against it. */
export type GuardContext = MessageContext;

/**
 * A function guard: return (or resolve) `true` to let the message through. Anything else
 * answers the request with `forbidden`; a thrown `WsException` is sent as is.
 *
 * @example
 * const mustBeAdmin: Guard = ({ connection }) => connection.data.role === 'admin';
 */
export type Guard = (context: MessageContext) => boolean | PromiseLike<boolean>;

/** A guard class (or instance): `canActivate(ctx)`. */
export interface CanActivate {
  canActivate(context: MessageContext): boolean | PromiseLike<boolean>;
}

/** Wraps a handler: call `next()` to run the rest (it returns the handler's result or promise). */
export interface Interceptor {
  intercept(context: MessageContext, next: () => unknown): unknown;
}

/** Maps an error to what the client sees: a `WsException`, or `undefined` to pass it on. */
export interface ExceptionFilter {
  catch(error: unknown, context: MessageContext): unknown;
}

export type GuardRef = Guard | Constructor<CanActivate> | CanActivate;
export type InterceptorRef =
  | Constructor<Interceptor>
  | Interceptor
  | ((context: MessageContext, next: () => unknown) => unknown);
export type FilterRef =
  | Constructor<ExceptionFilter>
  | ExceptionFilter
  | ((error: unknown, context: MessageContext) => unknown);

/** What a pipe knows about the value it transforms. */
export interface PipeMeta {
  /** Where the value comes from: `body`, `param` or `query`. */
  readonly source: ParamSource;
  /** The field, param or query key; absent for a whole record or body. */
  readonly name: string | undefined;
}

/**
 * A pipe class (resolved through the container) or instance.
 *
 * @example
 * class Trim implements PipeTransform<string, string> {
 *   transform(value: string) { return value.trim(); }
 * }
 */
export interface PipeTransform<T = any, R = unknown> {
  transform(value: T, meta: PipeMeta): R | PromiseLike<R>;
}

export type PipeRef =
  Constructor<PipeTransform> | PipeTransform | ((value: any, meta: PipeMeta) => unknown);

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
  /** `@OnServerEvent(event)` handlers: the method name answering each event from other processes. */
  readonly serverEvents: ReadonlyMap<string, string>;
  /** True when some handler takes the Fastify request, so the runtime must keep it per connection. */
  readonly usesRequest: boolean;
}
