// @fastify/websocket 11 with the hand-written echo handler.
import fastifyWebsocket from '@fastify/websocket';
import { serveFastifyEcho } from './fastify-echo';

serveFastifyEcho(fastifyWebsocket);
