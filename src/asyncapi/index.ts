/**
 * `fastify-ws-gateway/asyncapi`: the API contract from the gateways' own decorators, as an
 * AsyncAPI 3.0.0 document, and the TypeScript event map a typed client takes. A separate entry,
 * so an app loads class-validator-jsonschema only when it uses it.
 */
export {
  asyncapiDocument,
  routeAddress,
  type AsyncApiDocument,
  type AsyncApiInfo,
  type AsyncApiOptions,
  type AsyncApiServer,
} from './document';
export { eventMapTypes, assertAsyncApiDocument, NotAsyncApiDocumentError } from './event-map';
export type { JsonSchema } from './dto-schemas';
