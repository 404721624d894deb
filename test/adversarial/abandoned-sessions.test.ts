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
import { until } from '../support/waiting';

let closed = 0;
let server: GatewayServer;

@Gateway('/gone', { resume: { maxDisconnectionMs: 300, maxFrames: 3 } })
class GoneGateway {
  constructor(gatewayServer: GatewayServer) {
    server = gatewayServer;
  }
  @OnConnect() enter(@ConnectedSocket() conn: Connection) {
    conn.join('all');
  }
  @OnMessage('noop') noop() {}
  @OnClose() leave() {
    closed++;
  }
}

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

const waitLong = (condition: () => boolean) => until(condition, 1_000_000);

async function dropMany(app: ReturnType<typeof Fastify>, path: string, count: number) {
  for (let done = 0; done < count; done += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, count - done) }, () => connectGateway(app, path)),
    );
    await waitLong(() => batch.every((client) => client.session !== null));
    await Promise.all(batch.map((client) => client.drop()));
  }
  // The server notices each drop on its own schedule; its sockets leave the client set then.
  await waitLong(() => app.websocketServer.clients.size === 0);
}

jest.setTimeout(120_000);

it('10,000 sessions that drop and never return are all gone after maxDisconnectionMs', async () => {
  const app = Fastify();
  await bootstrap(app, [GoneGateway]);
  closed = 0;
  await dropMany(app, '/gone', 10_000);
  await waitLong(() => closed === 10_000);
  expect(server.fetchConnections()).toEqual([]);
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
