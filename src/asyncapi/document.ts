/**
 * `asyncapiDocument()`: the AsyncAPI 3.0.0 document of a set of gateways, built from what their
 * decorators already declare. One channel per gateway; a `receive` operation per `@OnMessage`
 * (with a `reply` when `{ reply: Dto }` is declared), a `send` operation per `@Emits`, and one
 * `error` message per channel. Payloads describe the whole frame (`{ event, data, id }`).
 */
import type { Constructor, GatewayDefinition, HandlerDefinition } from '../definition';
import { readGatewayDefinition, WIRE_ERROR_CODES } from '../metadata';
import { SchemaRegistry, type JsonSchema } from './dto-schemas';

/** AsyncAPI Info Object: `title` and `version` are required; other fields pass through. */
export interface AsyncApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly [field: string]: unknown;
}

/** AsyncAPI Server Object, e.g. `{ host: 'chat.example.com', protocol: 'wss' }`. */
export interface AsyncApiServer {
  readonly host: string;
  readonly protocol: string;
  readonly pathname?: string;
  readonly description?: string;
  readonly [field: string]: unknown;
}

/** Options of `asyncapiDocument(gateways, options)`. */
export interface AsyncApiOptions {
  readonly info: AsyncApiInfo;
  /** Servers by name; none by default (a served document fills in the host it was fetched from). */
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
  /** Route prefix the gateways are registered under (Fastify's `prefix`); default none. */
  readonly prefix?: string;
}

/** An AsyncAPI 3.0.0 document, as plain JSON. */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: AsyncApiInfo;
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
  readonly defaultContentType: 'application/json';
  readonly channels: Record<string, JsonSchema>;
  readonly operations: Record<string, JsonSchema>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly correlationIds: Record<string, JsonSchema>;
  };
}

const CORRELATION_ID = 'requestId';
const FRAME_ID: JsonSchema = {
  type: ['string', 'number'],
  description: 'Request id; the reply or error to a request carries the same id',
};

/**
 * The AsyncAPI 3.0.0 document of `gateways`.
 *
 * @example
 * const doc = asyncapiDocument([ChatGateway], { info: { title: 'Chat', version: '1.0.0' } });
 * writeFileSync('asyncapi.json', JSON.stringify(doc, null, 2));
 */
export function asyncapiDocument(
  gateways: readonly Constructor<unknown>[],
  options: AsyncApiOptions,
): AsyncApiDocument {
  const { info } = options ?? {};
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') {
    throw new TypeError(
      'asyncapiDocument(gateways, options): options.info needs a "title" and a "version" (strings)',
    );
  }
  if (!Array.isArray(gateways)) {
    throw new TypeError(
      'asyncapiDocument(gateways, options): gateways must be an array of @Gateway classes',
    );
  }
  const schemas = new SchemaRegistry();
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  // A gateway listed twice is one channel.
  for (const gateway of new Set(gateways)) {
    const definition = readGatewayDefinition(gateway);
    const channelId = uniqueKey(definition.name, channels);
    channels[channelId] = {}; // reserved before operations refer to it
    const described = describeGateway(definition, channelId, schemas, options.prefix ?? '');
    channels[channelId] = described.channel;
    for (const [name, operation] of described.operations) {
      operations[uniqueKey(name, operations)] = operation;
    }
  }
  return {
    asyncapi: '3.0.0',
    info: { ...info },
    ...(options.servers === undefined ? {} : { servers: { ...options.servers } }),
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: { ...schemas.schemas },
      correlationIds: {
        [CORRELATION_ID]: {
          description:
            'A request that carries an id gets exactly one frame back with that id: its reply or an error',
          location: '$message.payload#/id',
        },
      },
    },
  };
}

interface DescribedGateway {
  readonly channel: JsonSchema;
  readonly operations: [string, JsonSchema][];
}

function describeGateway(
  definition: GatewayDefinition,
  channelId: string,
  schemas: SchemaRegistry,
  prefix: string,
): DescribedGateway {
  const channelRef = { $ref: `#/channels/${channelId}` };
  const messages: Record<string, JsonSchema> = {};
  const operations: [string, JsonSchema][] = [];
  const messageRef = (key: string) => ({ $ref: `#/channels/${channelId}/messages/${key}` });
  const errorKey = uniqueKey('error', messages);
  messages[errorKey] = errorMessage(definition);

  for (const [event, handler] of definition.messages) {
    const requestKey = uniqueKey(event, messages);
    messages[requestKey] = requestMessage(event, handler, schemas);
    const operation: JsonSchema = {
      action: 'receive',
      channel: channelRef,
      summary: `${definition.name}.${handler.member}`,
      messages: [messageRef(requestKey)],
    };
    if (handler.replyType !== undefined) {
      const replyKey = uniqueKey(`${event}.reply`, messages);
      messages[replyKey] = replyMessage(event, schemas.schemaOf(handler.replyType));
      operation.reply = {
        channel: channelRef,
        messages: [messageRef(replyKey), messageRef(errorKey)],
      };
    }
    operations.push([`${channelId}.${event}`, operation]);
  }
  for (const [event, dto] of definition.emits) {
    const key = uniqueKey(event, messages);
    messages[key] = {
      name: event,
      title: event,
      summary: `Sent by the server (@Emits("${event}"))`,
      payload: envelope(event, schemas.schemaOf(dto), false),
    };
    operations.push([
      `${channelId}.${event}`,
      { action: 'send', channel: channelRef, messages: [messageRef(key)] },
    ]);
  }
  operations.push([
    `${channelId}.error`,
    {
      action: 'send',
      channel: channelRef,
      summary:
        'Errors: the answer to a failed request (with its id), or a frame the server could not handle',
      messages: [messageRef(errorKey)],
    },
  ]);
  return { channel: channel(definition, prefix, messages), operations };
}

function channel(
  definition: GatewayDefinition,
  prefix: string,
  messages: Record<string, JsonSchema>,
): JsonSchema {
  const route = routeAddress(
    prefix !== '' && definition.path === '/' ? prefix : prefix + definition.path,
  );
  const result: JsonSchema = {
    address: route.address,
    title: definition.name,
    description: `WebSocket route GET ${prefix}${definition.path}, served by ${definition.name}`,
    messages,
  };
  if (route.parameters.size > 0) result.parameters = Object.fromEntries(route.parameters);
  const { querystring, headers } = (definition.options.schema ?? {}) as Record<string, unknown>;
  const binding: JsonSchema = { method: 'GET' };
  if (isObjectSchema(querystring)) binding.query = plainJson(querystring);
  if (isObjectSchema(headers)) binding.headers = plainJson(headers);
  result.bindings = { ws: { ...binding, bindingVersion: '0.1.0' } };
  return result;
}

/**
 * A Fastify route pattern as an AsyncAPI address: `:room` becomes `{room}`, a regex-constrained
 * `:id(^\\d+$)` becomes `{id}` (the regex goes to the description) and `*` becomes `{wildcard}`.
 */
export function routeAddress(path: string): {
  address: string;
  parameters: Map<string, JsonSchema>;
} {
  const parameters = new Map<string, JsonSchema>();
  const address = path
    .replace(/:(\w+)(\((?:\\.|[^)])*\))?/g, (_match, name: string, regex: string | undefined) => {
      parameters.set(
        name,
        regex === undefined
          ? { description: `Route parameter :${name}` }
          : { description: `Route parameter :${name}, matching ${regex.slice(1, -1)}` },
      );
      return `{${name}}`;
    })
    .replace(/\*/g, () => {
      parameters.set('wildcard', { description: 'The rest of the path (the route\'s "*")' });
      return '{wildcard}';
    });
  return { address, parameters };
}

function requestMessage(
  event: string,
  handler: HandlerDefinition,
  schemas: SchemaRegistry,
): JsonSchema {
  const data =
    handler.bodyType === undefined
      ? { description: 'Not validated: the handler declares no DTO class' }
      : schemas.ref(handler.bodyType);
  return {
    name: event,
    title: event,
    summary: `Sent by the client; handled by ${handler.member}`,
    correlationId: { $ref: `#/components/correlationIds/${CORRELATION_ID}` },
    payload: envelope(event, data, true, handler.bodyType !== undefined),
  };
}

function replyMessage(event: string, data: JsonSchema): JsonSchema {
  return {
    name: event,
    title: `${event} (reply)`,
    summary: `The reply to "${event}"`,
    correlationId: { $ref: `#/components/correlationIds/${CORRELATION_ID}` },
    payload: envelope(event, data, true),
  };
}

function errorMessage(definition: GatewayDefinition): JsonSchema {
  const codes = new Set(WIRE_ERROR_CODES);
  for (const handler of definition.messages.values()) {
    for (const code of handler.errors ?? []) codes.add(code);
  }
  return {
    name: 'error',
    title: 'error',
    summary: 'An error: a failed request (with its id) or a frame the server could not handle',
    correlationId: { $ref: `#/components/correlationIds/${CORRELATION_ID}` },
    payload: envelope(
      'error',
      {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: [...codes] },
          message: { type: 'string' },
          details: {
            description:
              'validation_failed: [{ path, constraints }]; otherwise what the WsException carried',
          },
        },
      },
      true,
    ),
  };
}

/** The frame as it travels: `{ event, data, id? }`. */
function envelope(
  event: string,
  data: JsonSchema,
  withId: boolean,
  dataRequired = true,
): JsonSchema {
  const properties: JsonSchema = { event: { type: 'string', const: event }, data };
  if (withId) properties.id = FRAME_ID;
  return { type: 'object', required: dataRequired ? ['event', 'data'] : ['event'], properties };
}

function isObjectSchema(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Fastify schemas may be class instances (fluent builders); the document holds plain JSON.
function plainJson(value: object): JsonSchema {
  return JSON.parse(JSON.stringify(value)) as JsonSchema;
}

/** `name` made safe for a component key and a JSON pointer, and not yet taken in `taken`. */
function uniqueKey(name: string, taken: object): string {
  const base = name.replace(/[^\w.-]/g, '_') || '_';
  let key = base;
  for (let n = 2; Object.hasOwn(taken, key); n++) key = `${base}_${n}`;
  return key;
}
