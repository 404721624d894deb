/**
 * `bootstrap(app, gateways, { asyncapi: { path, info } })`: serves the gateways' AsyncAPI
 * document as JSON on `GET path`. The AsyncAPI code (and class-validator-jsonschema) is
 * required here, only when the option is used, so the main entry never loads it otherwise.
 */
import type { FastifyInstance } from 'fastify';
import type { AsyncApiInfo, AsyncApiServer } from '../asyncapi';
import type { GatewayDefinition } from '../definition';
import { Errors } from '../errors';

/** The `asyncapi` option of `bootstrap()`. */
export interface AsyncApiRouteOptions {
  /** Route serving the document, e.g. `/asyncapi.json`. */
  readonly path: string;
  readonly info: AsyncApiInfo;
  /** Servers by name; by default the host (and ws/wss) the document was fetched from. */
  readonly servers?: Readonly<Record<string, AsyncApiServer>>;
}

export function addAsyncApiRoute(
  app: FastifyInstance,
  definitions: readonly GatewayDefinition[],
  options: AsyncApiRouteOptions,
): void {
  if (typeof options?.path !== 'string' || !options.path.startsWith('/')) {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap(app, gateways, { asyncapi })',
      'asyncapi.path must be a route path starting with "/", e.g. "/asyncapi.json"',
    );
  }
  const { info } = options;
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') {
    throw Errors.INVALID_ARGUMENT(
      'bootstrap(app, gateways, { asyncapi })',
      'asyncapi.info needs a "title" and a "version" (strings)',
    );
  }
  type AsyncApiModule = typeof import('../asyncapi/document');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { asyncapiDocument } = require('../asyncapi/document') as AsyncApiModule;
  const document = asyncapiDocument(
    definitions.map((definition) => definition.target),
    { info, servers: options.servers, prefix: app.prefix },
  );
  app.get(options.path, async (request) => {
    if (options.servers !== undefined) return document;
    const server = { host: request.host, protocol: request.protocol === 'https' ? 'wss' : 'ws' };
    return { ...document, servers: { server } };
  });
}
