/**
 * The shapes the decorators record and `metadata.ts` reads back: a frozen `GatewayDefinition`
 * is all the runtime ever sees of a gateway class. Types only, no behaviour.
 */
import type { Connection } from './gateway/connection';
import type { GatewayOptions } from './gateway-options';

export type { GatewayHooks, GatewayOptions, GatewaySchema } from './gateway-options';

/** A class constructor, as decorators receive it. */
export type Constructor<T = object> = abstract new (...args: any[]) => T;

/** What a guard sees of a message: its connection, event and validated body. */
export interface GuardContext {
  readonly connection: Connection;
  readonly event: string;
  readonly body: unknown;
}

/**
 * Decides whether a message reaches its handler: return (or resolve) `true` to let it through.
 * Anything else answers the request with `forbidden`; a thrown `WsException` is sent as is.
 *
 * @example
 * const mustBeAdmin: Guard = ({ connection }) => connection.data.role === 'admin';
 */
export type Guard = (context: GuardContext) => boolean | PromiseLike<boolean>;

/** Where a handler parameter's value comes from. */
export type ParamSource = 'body' | 'connection' | 'param' | 'query' | 'request' | 'code' | 'reason';

export interface ParamDefinition {
  readonly index: number;
  readonly source: ParamSource;
  /** For `param` / `query`: the key to pick; absent means the whole record. */
  readonly name?: string;
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
  readonly guards?: readonly Guard[];
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
