import Fastify from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnConnect,
  OnMessage,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { dropMany, GONE_PATH, goneGateway, waitLong } from '../support/gone-gateway';

let closed = 0;

@Gateway('/bounded', { resume: { maxDisconnectionMs: 600_000, maxFrames: 3 } })
class BoundedGateway {
  constructor(private readonly gatewayServer: GatewayServer) {}
  @OnConnect() enter(@ConnectedSocket() conn: Connection) {
    conn.join('all');
  }
  @OnMessage('blast') blast(count: number) {
    for (let i = 0; i < count; i++) this.gatewayServer.to('all').emit('blast', 'x'.repeat(1000));
  }
  @OnClose() leave() {
    closed++;
  }
}

jest.setTimeout(120_000);

it('10,000 sessions that drop and never return are all gone after maxDisconnectionMs', async () => {
  const gone = goneGateway();
  const app = Fastify();
  await bootstrap(app, [gone.gateway]);
  await dropMany(app, GONE_PATH, 10_000);
  await waitLong(() => gone.closed === 10_000);
  expect(gone.server.fetchConnections()).toEqual([]);
  await app.close();
});

it('a dropped session holds at most maxFrames: one more frame ends it, long before maxDisconnectionMs', async () => {
  const app = Fastify();
  await bootstrap(app, [BoundedGateway]);
  closed = 0;
  await dropMany(app, '/bounded', 1000);
  const live = await connectGateway(app, '/bounded');
  await live.request('blast', 3);
  expect(closed).toBe(0);
  await live.request('blast', 1);
  await waitLong(() => closed === 1000);
  await live.close();
  await app.close();
});
