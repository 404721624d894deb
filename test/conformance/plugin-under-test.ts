/**
 * The plugin the conformance suite runs against: ours by default, upstream
 * @fastify/websocket with `WS_PLUGIN=upstream`, proving the expectations are upstream's.
 */
import ours from '../../src/websocket';

export const isUpstream = process.env.WS_PLUGIN === 'upstream';

// Loaded untyped so upstream's Fastify type augmentation never enters the project's types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadUpstream = (): typeof ours => require('@fastify/websocket');

/** `require('@fastify/websocket')` or `require('fastify-ws-gateway/websocket')`. */
export const fastifyWebsocket: typeof ours = isUpstream ? loadUpstream() : ours;

/** The code a client sees when the server closes: ours sends 1001, upstream 1005. */
export const SERVER_CLOSE_CODE = isUpstream ? 1005 : 1001;

/** `test` for behaviour only our plugin has (an addition, never a difference). */
export const testOursOnly = isUpstream ? test.skip : test;
