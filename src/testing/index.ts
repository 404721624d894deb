/**
 * `fastify-ws-gateway/testing`: connect to a gateway in a test through `app.injectWS`, with
 * the same frame handling and errors as the client.
 */
export {
  connectGateway,
  type ConnectGatewayOptions,
  type GatewayTestClient,
} from './connect-gateway';
export type { CloseResult } from './frame-inbox';
export { UndeclaredEventError } from './contract-check';
export type { ErrorFrameData } from '../client/frames';
export { isWsClientError, WsClientError, ClientErrorCode } from '../client/ws-client-error';
export { createTestingApp, type TestingAppOptions } from './create-testing-app';
