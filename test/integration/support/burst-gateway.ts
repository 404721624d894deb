// A gateway whose handler writes three frames in one tick (two emits and the reply) and
// records how corked the connection's transport was meanwhile: the ws internals tests run it
// with and without the `_socket` shortcut.
import 'reflect-metadata';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnMessage,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { transportOf } from '../../../src/gateway/internals/ws';
import { listen } from '../../support/network';
import { TestClient, type ServerFrame as Frame } from '../../support/test-client';

/** `writableCorked` of the transport right after the two emits, per request. */
export const corkedDuringHandler: number[] = [];

@Gateway('/burst')
class BurstGateway {
  @OnMessage('burst')
  burst(@MessageBody() body: { n: number }, @ConnectedSocket() conn: Connection) {
    conn.emit('first', body.n);
    conn.emit('second', body.n);
    corkedDuringHandler.push(transportOf(conn.socket)?.writableCorked ?? -1);
    return body.n;
  }
}

/** Sends three bursts and returns every frame the client received, in order. */
export async function runBursts(): Promise<Frame[]> {
  const app: FastifyInstance = Fastify();
  await bootstrap(app, [BurstGateway]);
  const url = await listen(app);
  try {
    const client = await TestClient.open(`${url}/burst`);
    const received: Frame[] = [];
    client.socket.on('message', (raw) => received.push(JSON.parse(String(raw)) as Frame));
    for (const n of [1, 2, 3]) client.send({ event: 'burst', data: { n }, id: n });
    await client.reply(3);
    await client.close();
    return received;
  } finally {
    await app.close();
  }
}

export const EXPECTED_FRAMES: Omit<Frame, 'raw'>[] = [1, 2, 3].flatMap((n) => [
  { event: 'first', data: n },
  { event: 'second', data: n },
  { event: 'burst', data: n, id: n },
]);
