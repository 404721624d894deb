// Our plugin (`fastify-ws-gateway/websocket`, the @fastify/websocket drop-in) with the
// hand-written echo handler.
import fastifyWebsocket from 'fastify-ws-gateway/websocket';
import { serveFastifyEcho } from './fastify-echo';

serveFastifyEcho(fastifyWebsocket);
