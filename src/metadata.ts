/**
 * The one place that reads and writes decorator metadata (the only file calling `Reflect`).
 * Decorators record facts here; the runtime reads them back once per class, as a frozen
 * `GatewayDefinition`, through `readGatewayDefinition`.
 */
import 'reflect-metadata';
import type {
  Constructor,
  EnhancerRef,
  GatewayDefinition,
  GatewayOptions,
  HandlerDefinition,
  HandlerKind,
  ParamDefinition,
  ParamSource,
} from './definition';
import { Errors, WireErrorCode } from './errors';

const GATEWAY_KEY = Symbol('fastify-ws-gateway:gateway');
const HANDLERS_KEY = Symbol('fastify-ws-gateway:handlers');
const PARAMETERS_KEY = Symbol('fastify-ws-gateway:parameters');
const ENHANCER_KEYS = {
  guards: Symbol('fastify-ws-gateway:guards'),
  interceptors: Symbol('fastify-ws-gateway:interceptors'),
  filters: Symbol('fastify-ws-gateway:filters'),
} as const;
const CUSTOM_KEY = Symbol('fastify-ws-gateway:custom');

/** The kinds of enhancer `@UseGuards`, `@UseInterceptors` and `@UseFilters` record. */
export type EnhancerKind = keyof typeof ENHANCER_KEYS;

const ENHANCER_DECORATORS: Readonly<Record<EnhancerKind, string>> = {
  guards: '@UseGuards',
  interceptors: '@UseInterceptors',
  filters: '@UseFilters',
};
const EMITS_KEY = Symbol('fastify-ws-gateway:emits');
const SERVER_EVENTS_KEY = Symbol('fastify-ws-gateway:server-events');

/** What `@Gateway` records on the class. */
interface GatewayRecord {
  readonly path: string;
  readonly options: GatewayOptions;
}

/** What `@OnConnect` / `@OnMessage` / `@OnClose` record on the prototype. */
export interface HandlerRecord {
  readonly kind: HandlerKind;
  readonly member: string;
  readonly event?: string;
  readonly body?: Constructor;
  readonly reply?: Constructor;
  readonly errors?: readonly string[];
}

/** What one `@Emits(event, Dto)` records on the class. */
interface EmitRecord {
  readonly event: string;
  readonly dto: Constructor;
}

/** What a parameter decorator records for its slot. */
export interface ParameterRecord {
  readonly source: Extract<ParamSource, 'body' | 'connection' | 'param' | 'query' | 'request'>;
  readonly name?: string;
  readonly pipes?: readonly EnhancerRef[];
}

/** What each kind of handler receives, by position, in its undecorated parameters. */
const DEFAULT_SOURCES: Readonly<Record<HandlerKind, readonly ParamSource[]>> = {
  connect: ['connection', 'request'],
  message: ['body', 'connection'],
  close: ['connection', 'code', 'reason'],
};

// Parameter types that are not DTO classes: a body typed with them goes unvalidated.
const NOT_DTO_TYPES = new Set<unknown>([
  Object,
  String,
  Number,
  Boolean,
  Array,
  Function,
  Promise,
  Symbol,
  BigInt,
  Date,
  Map,
  Set,
  undefined,
]);

/** The error codes the runtime itself sends, for contract generators (asyncapi/ reads them here). */
export const WIRE_ERROR_CODES: readonly string[] = Object.freeze(Object.values(WireErrorCode));

const definitions = new WeakMap<object, GatewayDefinition>();

/** Records `@Gateway(path, options)`; `options` are what `keepGatewayOptions` kept (frozen). */
export function recordGateway(target: Constructor, path: string, options: GatewayOptions): void {
  if (isGateway(target)) {
    throw Errors.INVALID_ARGUMENT(
      `@Gateway on ${target.name}`,
      'the class is decorated twice: keep one @Gateway',
    );
  }
  const record: GatewayRecord = Object.freeze({ path, options });
  Reflect.defineMetadata(GATEWAY_KEY, record, target);
}

/** True when `target` is a class decorated with `@Gateway` itself (a subclass needs its own). */
export function isGateway(target: unknown): boolean {
  return typeof target === 'function' && Reflect.hasOwnMetadata(GATEWAY_KEY, target);
}

/** tsyringe's metadata key for `@inject(token)` parameters (its `getParamInfo` reads it too). */
const TSYRINGE_INJECTION_TOKENS = 'injectionTokens';

/**
 * How many of `target`'s constructor parameters cannot be injected: none when the compiler
 * emitted `design:paramtypes` (or the constructor takes nothing); otherwise those without an
 * `@inject(token)`. Compilers such as tsx and esbuild emit no parameter types.
 */
export function untypedConstructorParameters(target: Constructor): number {
  if (target.length === 0 || Reflect.getMetadata('design:paramtypes', target) !== undefined) {
    return 0;
  }
  const tokens: unknown = Reflect.getOwnMetadata(TSYRINGE_INJECTION_TOKENS, target);
  let untyped = 0;
  for (let index = 0; index < target.length; index++) {
    if ((tokens as Record<number, unknown> | undefined)?.[index] === undefined) untyped++;
  }
  return untyped;
}

/**
 * Records a handler method. `decorator` names the decorator in error messages. Throws for
 * static, symbol-named or non-method members, which the runtime cannot call per instance.
 */
export function recordHandler(
  target: object,
  member: string | symbol,
  descriptor: PropertyDescriptor | undefined,
  record: Omit<HandlerRecord, 'member'>,
  decorator: string,
): void {
  const name = assertInstanceMember(target, member, decorator);
  if (typeof descriptor?.value !== 'function') {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on ${className(target)}.${name}`,
      'it decorates methods, not properties or accessors',
    );
  }
  const own = Reflect.getOwnMetadata(HANDLERS_KEY, target) as HandlerRecord[] | undefined;
  const handlers = own ?? [];
  handlers.push(Object.freeze({ ...record, member: name }));
  if (own === undefined) Reflect.defineMetadata(HANDLERS_KEY, handlers, target);
}

/** Records a parameter decorator's slot; one decorator per parameter. */
export function recordParameter(
  target: object,
  member: string | symbol | undefined,
  index: number,
  record: ParameterRecord,
  decorator: string,
): void {
  if (member === undefined) {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on a constructor parameter of ${(target as Constructor).name}`,
      'it decorates handler method parameters; inject constructor dependencies by type instead',
    );
  }
  const name = assertInstanceMember(target, member, decorator);
  const own = Reflect.getOwnMetadata(PARAMETERS_KEY, target, name) as
    Map<number, ParameterRecord> | undefined;
  const parameters = own ?? new Map<number, ParameterRecord>();
  if (parameters.has(index)) {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on ${className(target)}.${name} parameter ${index}`,
      'the parameter already has a decorator: keep one per parameter',
    );
  }
  parameters.set(index, Object.freeze({ ...record }));
  if (own === undefined) Reflect.defineMetadata(PARAMETERS_KEY, parameters, target, name);
}

/**
 * Records `@UseGuards` / `@UseInterceptors` / `@UseFilters` on a class (every message handler)
 * or on a handler method. Several decorators of one kind add up, in the order they are written.
 */
export function recordEnhancers(
  kind: EnhancerKind,
  target: object,
  member: string | symbol | undefined,
  descriptor: PropertyDescriptor | undefined,
  enhancers: readonly EnhancerRef[],
): void {
  const decorator = ENHANCER_DECORATORS[kind];
  if (member === undefined) {
    prependOwn(ENHANCER_KEYS[kind], enhancers, target);
    return;
  }
  const name = assertInstanceMember(target, member, decorator);
  if (typeof descriptor?.value !== 'function') {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on ${className(target)}.${name}`,
      'it decorates classes and @OnMessage methods, not properties or accessors',
    );
  }
  prependOwn(ENHANCER_KEYS[kind], enhancers, target, name);
}

/**
 * Records `SetMetadata(key, value)` on a class or a method, for `ctx.getMetadata(key)`.
 * The decorator written closest to the member wins when one key is set twice.
 */
export function recordCustomMetadata(
  target: object,
  member: string | symbol | undefined,
  key: unknown,
  value: unknown,
): void {
  const name =
    member === undefined ? undefined : assertInstanceMember(target, member, 'SetMetadata');
  const own = (
    name === undefined
      ? Reflect.getOwnMetadata(CUSTOM_KEY, target)
      : Reflect.getOwnMetadata(CUSTOM_KEY, target, name)
  ) as Map<unknown, unknown> | undefined;
  const values = new Map(own);
  // Decorators apply bottom-up: the one written last (applied first) is kept.
  if (!values.has(key)) values.set(key, value);
  if (name === undefined) Reflect.defineMetadata(CUSTOM_KEY, values, target);
  else Reflect.defineMetadata(CUSTOM_KEY, values, target, name);
}

/** One constructor parameter of a class the container builds. */
export interface ConstructorDependency {
  readonly token: unknown;
  /** Named by `@inject(token)` rather than by the declared type. */
  readonly explicit: boolean;
  /** `@inject(token, { isOptional: true })`, `@injectAll` and the like: never missing. */
  readonly optional: boolean;
}

/**
 * The constructor dependencies of `target` as tsyringe resolves them (`@inject(token)` first,
 * then the declared type, inherited from a base class as tsyringe reads it), or `undefined`
 * when TypeScript emitted no parameter types for a constructor that takes parameters.
 */
export function readConstructorDependencies(
  target: Constructor,
): readonly ConstructorDependency[] | undefined {
  const types = Reflect.getMetadata('design:paramtypes', target) as unknown[] | undefined;
  // tsyringe's own key for `@inject` (reflection-helpers INJECTION_TOKEN_METADATA_KEY).
  const tokens = (Reflect.getOwnMetadata('injectionTokens', target) ?? {}) as Record<
    number,
    unknown
  >;
  const count = Math.max(types?.length ?? 0, target.length);
  if (types === undefined && count > Object.keys(tokens).length) return undefined;
  const dependencies: ConstructorDependency[] = [];
  for (let index = 0; index < count; index++) {
    const named = tokens[index] as { token?: unknown; multiple?: boolean; isOptional?: boolean };
    if (named === undefined) {
      dependencies.push({ token: types?.[index], explicit: false, optional: false });
    } else if (typeof named === 'object' && named !== null && 'token' in named) {
      dependencies.push({
        token: named.token,
        explicit: true,
        optional: named.multiple === true || named.isOptional === true || 'transform' in named,
      });
    } else dependencies.push({ token: named, explicit: true, optional: false });
  }
  return dependencies;
}

// Decorators apply bottom-up; prepending keeps the entries in the order they are written.
function prependOwn(
  key: symbol,
  items: readonly EnhancerRef[],
  target: object,
  member?: string,
): void {
  const own = (
    member === undefined
      ? Reflect.getOwnMetadata(key, target)
      : Reflect.getOwnMetadata(key, target, member)
  ) as readonly EnhancerRef[] | undefined;
  const list = Object.freeze([...items, ...(own ?? [])]);
  if (member === undefined) Reflect.defineMetadata(key, list, target);
  else Reflect.defineMetadata(key, list, target, member);
}

/**
 * Records `@Emits(event, Dto)` on a class. Several add up in the order they are written; the
 * same event twice on one class is refused at once.
 */
export function recordEmits(target: Constructor, event: string, dto: Constructor): void {
  const own =
    (Reflect.getOwnMetadata(EMITS_KEY, target) as readonly EmitRecord[] | undefined) ?? [];
  if (own.some((record) => record.event === event)) {
    throw Errors.INVALID_ARGUMENT(
      `@Emits(${JSON.stringify(event)}) on ${target.name}`,
      'the event is declared twice: keep one @Emits per event',
    );
  }
  // Class decorators apply bottom-up; prepending keeps the order they are written in.
  Reflect.defineMetadata(EMITS_KEY, Object.freeze([{ event, dto }, ...own]), target);
}

/** What one `@OnServerEvent(event)` records on the prototype. */
interface ServerEventRecord {
  readonly event: string;
  readonly member: string;
}

/** Records `@OnServerEvent(event)` on a method; duplicates across members are reported at `ready()`. */
export function recordServerEvent(
  target: object,
  member: string | symbol,
  descriptor: PropertyDescriptor | undefined,
  event: string,
  decorator: string,
): void {
  const name = assertInstanceMember(target, member, decorator);
  if (typeof descriptor?.value !== 'function') {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on ${className(target)}.${name}`,
      'it decorates methods, not properties or accessors',
    );
  }
  const own =
    (Reflect.getOwnMetadata(SERVER_EVENTS_KEY, target) as
      readonly ServerEventRecord[] | undefined) ?? [];
  Reflect.defineMetadata(
    SERVER_EVENTS_KEY,
    Object.freeze([...own, Object.freeze({ event, member: name })]),
    target,
  );
}

/**
 * The declared type of a DTO property (`design:type`), for schema generators: `undefined` when
 * the compiler emitted no metadata for it.
 */
export function readPropertyType(prototype: object, property: string): unknown {
  return Reflect.getMetadata('design:type', prototype, property);
}

/**
 * Reads a gateway class into a frozen definition (cached per class). Handlers of base classes
 * are inherited; a subclass member of the same name replaces the base's handler.
 *
 * @example
 * const definition = readGatewayDefinition(ChatGateway);
 * definition.messages.get('say')?.bodyType; // SayDto
 */
export function readGatewayDefinition(target: unknown): GatewayDefinition {
  if (typeof target !== 'function') {
    throw Errors.NOT_A_GATEWAY(`A value of type ${target === null ? 'null' : typeof target}`);
  }
  const cached = definitions.get(target);
  if (cached !== undefined) return cached;
  const gateway = Reflect.getOwnMetadata(GATEWAY_KEY, target) as GatewayRecord | undefined;
  if (gateway === undefined) throw Errors.NOT_A_GATEWAY(target.name || 'An anonymous class');
  const definition = buildDefinition(target as Constructor, gateway);
  definitions.set(target, definition);
  return definition;
}

function buildDefinition(target: Constructor, gateway: GatewayRecord): GatewayDefinition {
  const name = target.name;
  const onConnect: HandlerDefinition[] = [];
  const onClose: HandlerDefinition[] = [];
  const messages = new Map<string, HandlerDefinition>();
  const classLevel = collectClassLevel(target);
  for (const [member, { prototype, records }] of collectHandlers(target)) {
    for (const record of records) {
      const handler = defineHandler(name, prototype, member, record, classLevel);
      if (handler.kind === 'connect') onConnect.push(handler);
      else if (handler.kind === 'close') onClose.push(handler);
      else {
        const event = handler.event as string;
        if (event.startsWith('$')) {
          throw Errors.INVALID_ARGUMENT(
            `${name}.${member}`,
            `event "${event}" starts with "$", which is reserved for the protocol (session resume): rename the event`,
          );
        }
        const existing = messages.get(event);
        if (existing !== undefined)
          throw Errors.DUPLICATE_EVENT(name, event, existing.member, member);
        messages.set(event, handler);
      }
    }
  }
  const emits = collectEmits(target);
  for (const event of emits.keys()) {
    const handler = messages.get(event);
    if (handler !== undefined) {
      throw Errors.INVALID_ARGUMENT(
        `@Emits(${JSON.stringify(event)}) on ${name}`,
        `${name}.${handler.member} handles "${event}" too, and a reply sent without id carries the event name, so clients could not tell the two apart: rename one`,
      );
    }
  }
  const serverEvents = collectServerEvents(target, name);
  if (serverEvents.size > 0 && gateway.options.scope === 'connection') {
    throw Errors.INVALID_ARGUMENT(
      `@OnServerEvent on ${name}.${[...serverEvents.values()][0]}`,
      'a connection-scoped gateway has no instance to answer other processes: move the handler to a singleton gateway',
    );
  }
  const handlers = [...onConnect, ...messages.values(), ...onClose];
  return Object.freeze({
    target,
    name,
    path: gateway.path,
    options: gateway.options,
    onConnect: Object.freeze(onConnect),
    onClose: Object.freeze(onClose),
    messages: new FrozenMap(messages),
    emits: new FrozenMap(emits),
    serverEvents: new FrozenMap(serverEvents),
    usesRequest: handlers.some((handler) =>
      handler.params.some((param) => param.source === 'request'),
    ),
  });
}

/** What a class (and its base classes, base first) sets for every message handler. */
interface ClassLevel {
  readonly enhancers: Readonly<Record<EnhancerKind, readonly EnhancerRef[]>>;
  readonly metadata: ReadonlyMap<unknown, unknown>;
}

function collectClassLevel(target: Constructor): ClassLevel {
  const enhancers: Record<EnhancerKind, EnhancerRef[]> = {
    guards: [],
    interceptors: [],
    filters: [],
  };
  const metadata = new Map<unknown, unknown>();
  for (let type: unknown = target; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
    for (const kind of Object.keys(ENHANCER_KEYS) as EnhancerKind[]) {
      const own = Reflect.getOwnMetadata(ENHANCER_KEYS[kind], type) as
        readonly EnhancerRef[] | undefined;
      if (own !== undefined) enhancers[kind].unshift(...own);
    }
    const custom = Reflect.getOwnMetadata(CUSTOM_KEY, type) as Map<unknown, unknown> | undefined;
    // A subclass's value wins over its base's.
    for (const [key, value] of custom ?? []) if (!metadata.has(key)) metadata.set(key, value);
  }
  return { enhancers, metadata };
}

/** `@Emits` of `target` and its base classes, base classes first; a subclass may redeclare an event's DTO. */
function collectEmits(target: Constructor): Map<string, Constructor> {
  const chain: unknown[] = [];
  for (let type: unknown = target; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
    chain.unshift(type);
  }
  const emits = new Map<string, Constructor>();
  for (const type of chain) {
    const own = Reflect.getOwnMetadata(EMITS_KEY, type as object) as
      readonly EmitRecord[] | undefined;
    for (const { event, dto } of own ?? []) emits.set(event, dto);
  }
  return emits;
}

/**
 * `@OnServerEvent` members by event, base classes first; a subclass member of the same name
 * replaces the base's, two members for one event are an error.
 */
function collectServerEvents(target: Constructor, name: string): Map<string, string> {
  const byMember = new Map<string, string[]>();
  for (const prototype of prototypeChain(target)) {
    const own =
      (Reflect.getOwnMetadata(SERVER_EVENTS_KEY, prototype) as
        readonly ServerEventRecord[] | undefined) ?? [];
    const ownByMember = new Map<string, string[]>();
    for (const { event, member } of own) {
      ownByMember.set(member, [...(ownByMember.get(member) ?? []), event]);
    }
    for (const [member, events] of ownByMember) byMember.set(member, events);
  }
  const events = new Map<string, string>();
  for (const [member, memberEvents] of byMember) {
    for (const event of memberEvents) {
      const existing = events.get(event);
      if (existing !== undefined && existing !== member) {
        throw Errors.DUPLICATE_SERVER_EVENT(name, event, existing, member);
      }
      events.set(event, member);
    }
  }
  return events;
}

function prototypeChain(target: Constructor): object[] {
  const chain: object[] = [];
  for (
    let proto = target.prototype as object | null;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    chain.unshift(proto);
  }
  return chain;
}

/** Handler records by member, base classes first; a subclass's records for a member replace the base's. */
function collectHandlers(
  target: Constructor,
): Map<string, { prototype: object; records: HandlerRecord[] }> {
  const chain = prototypeChain(target);
  const byMember = new Map<string, { prototype: object; records: HandlerRecord[] }>();
  for (const prototype of chain) {
    const own =
      (Reflect.getOwnMetadata(HANDLERS_KEY, prototype) as HandlerRecord[] | undefined) ?? [];
    const ownByMember = new Map<string, HandlerRecord[]>();
    for (const record of own)
      ownByMember.set(record.member, [...(ownByMember.get(record.member) ?? []), record]);
    for (const [member, records] of ownByMember) byMember.set(member, { prototype, records });
  }
  return byMember;
}

function defineHandler(
  className: string,
  prototype: object,
  member: string,
  record: HandlerRecord,
  classLevel: ClassLevel,
): HandlerDefinition {
  const method = (prototype as Record<string, unknown>)[member] as (...args: unknown[]) => unknown;
  const types = Reflect.getOwnMetadata('design:paramtypes', prototype, member) as
    unknown[] | undefined;
  const decorated =
    (Reflect.getOwnMetadata(PARAMETERS_KEY, prototype, member) as
      Map<number, ParameterRecord> | undefined) ?? new Map();
  let count = types?.length ?? method.length;
  for (const index of decorated.keys()) count = Math.max(count, index + 1);

  // Decorated parameters use up their default, so `close(@ConnectedSocket() c, code)` gets the code.
  const defaults = [...DEFAULT_SOURCES[record.kind]];
  for (const { source } of decorated.values()) {
    const at = defaults.indexOf(source);
    if (at !== -1) defaults.splice(at, 1);
  }
  const params: ParamDefinition[] = [];
  for (let index = 0; index < count; index++) {
    const parameter = decorated.get(index);
    if (parameter?.source === 'body' && record.kind !== 'message') {
      throw Errors.BODY_OUTSIDE_MESSAGE(className, member, index);
    }
    const source = parameter?.source ?? defaults.shift();
    if (source === undefined) throw Errors.UNRESOLVED_PARAMETER(className, member, index);
    const param: { -readonly [K in keyof ParamDefinition]: ParamDefinition[K] } = { index, source };
    if (parameter?.name !== undefined) param.name = parameter.name;
    if (parameter?.pipes !== undefined) param.pipes = parameter.pipes;
    params.push(Object.freeze(param));
  }

  const custom = Reflect.getOwnMetadata(CUSTOM_KEY, prototype, member) as
    Map<unknown, unknown> | undefined;
  const metadata = new Map(custom);
  for (const [key, value] of classLevel.metadata) if (!metadata.has(key)) metadata.set(key, value);
  const handler: { -readonly [K in keyof HandlerDefinition]: HandlerDefinition[K] } = {
    kind: record.kind,
    member,
    params: Object.freeze(params),
  };
  if (metadata.size > 0) handler.metadata = new FrozenMap(metadata);
  for (const kind of Object.keys(ENHANCER_KEYS) as EnhancerKind[]) {
    const own = Reflect.getOwnMetadata(ENHANCER_KEYS[kind], prototype, member) as
      readonly EnhancerRef[] | undefined;
    if (record.kind === 'message') {
      const list = [...classLevel.enhancers[kind], ...(own ?? [])];
      if (list.length > 0) handler[kind] = Object.freeze(list);
    } else if (own !== undefined) {
      throw Errors.INVALID_ARGUMENT(
        `${ENHANCER_DECORATORS[kind]} on ${className}.${member}`,
        kind === 'guards'
          ? 'guards apply to @OnMessage handlers; refuse a connection with a Fastify hook (@Gateway(path, { hooks }))'
          : `${kind} apply to @OnMessage handlers only`,
      );
    }
  }
  if (record.kind === 'message') {
    handler.event = record.event;
    // A field (`@MessageBody('count')`) is typed as the field, not as the body's DTO.
    const body = params.find((param) => param.source === 'body' && param.name === undefined);
    const bodyType =
      record.body ?? (body === undefined ? undefined : asDtoClass(types?.[body.index]));
    if (bodyType !== undefined) handler.bodyType = bodyType;
    if (record.reply !== undefined) handler.replyType = record.reply;
    if (record.errors !== undefined) handler.errors = Object.freeze([...record.errors]);
  }
  return Object.freeze(handler);
}

function asDtoClass(type: unknown): Constructor | undefined {
  return typeof type === 'function' && !NOT_DTO_TYPES.has(type) ? (type as Constructor) : undefined;
}

function assertInstanceMember(target: object, member: string | symbol, decorator: string): string {
  if (typeof target === 'function') {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on static member ${target.name}.${String(member)}`,
      'handlers are instance methods: remove `static`',
    );
  }
  if (typeof member === 'symbol') {
    throw Errors.INVALID_ARGUMENT(
      `${decorator} on ${className(target)}[${String(member)}]`,
      'handlers need a string name: rename the method',
    );
  }
  return member;
}

function className(prototype: object): string {
  return (prototype.constructor as Constructor).name;
}

/** A Map that refuses writes once built, so the runtime cannot change a definition's handlers. */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Map<K, V>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
    Object.freeze(this);
  }

  override set(): this {
    throw new TypeError('A GatewayDefinition is read-only');
  }

  override delete(): boolean {
    throw new TypeError('A GatewayDefinition is read-only');
  }

  override clear(): void {
    throw new TypeError('A GatewayDefinition is read-only');
  }
}
