// Starts a NestJS 11 app on @nestjs/platform-fastify with @nestjs/platform-ws serving one
// gateway class. Nest's ws adapter hands a handler only `data`, so the message parser
// passes the whole envelope as the body and handlers pick `data` and `id` from it.
import 'reflect-metadata';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { reportReady } from './control';
import { broadcastTo } from './echo-handler';

/** A Nest gateway with its `@WebSocketServer()` exposed for the broadcast trigger. */
export interface NestEchoGateway {
  server: WebSocketServer;
}

function parseEnvelope(raw: unknown): { event: string; data: unknown } {
  const frame = JSON.parse(String(raw));
  return { event: String(frame?.event), data: frame };
}

export async function startNest(gateway: Type<NestEchoGateway>): Promise<void> {
  @Module({ providers: [gateway] })
  class EchoModule {}

  const app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter(), {
    logger: false,
  });
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: parseEnvelope }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  const instance = app.get(gateway);
  reportReady({
    port: address.port,
    broadcast: (n) => broadcastTo(instance.server.clients as Set<WebSocket>, n),
  });
}
