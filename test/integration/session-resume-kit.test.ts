import Fastify from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnConnect,
  OnMessage,
  Req,
  bootstrap,
  type Connection,
} from 'fastify-ws-gateway';
import type { FastifyRequest } from 'fastify';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { deferred, until } from '../support/waiting';

const closes: string[] = [];
const codes: string[] = [];
let release = deferred();
let runs = 0;

@Gateway('/kit')
class KitGateway {
  constructor(private readonly server: GatewayServer) {}
  @OnConnect() enter(@ConnectedSocket() conn: Connection) {
    conn.join('all');
  }
  @OnMessage('say') say(text: string) {
    this.server.to('all').emit('said', text);
  }
  @OnMessage('slow') async slow() {
    runs++;
    await release.promise;
    return 'done';
  }
  @OnMessage('resumed') resumed(_: unknown, conn: Connection) {
    return conn.resumed;
  }
  @OnMessage('requestId') requestId(_: unknown, @Req() request: FastifyRequest) {
    return request.id;
  }
  @OnMessage('unencodable') unencodable(_: unknown, conn: Connection) {
    conn.emit('bad', BigInt(1));
    conn.emit('good', 1);
  }
  @OnMessage('kick') kick(plain: boolean, conn: Connection) {
    for (const other of this.server.fetchConnections()) {
      if (other === conn) continue;
      if (plain) other.close();
      else other.close(4000, 'kicked');
    }
  }
  @OnClose() leave(@ConnectedSocket() conn: Connection, code: number, reason: string) {
    closes.push(conn.id);
    codes.push(`${code} ${reason}`);
  }
}

async function makeApp(resume: unknown = true) {
  const app = Fastify();
  await bootstrap(app, [KitGateway], { resume: resume as true });
  return app;
}

beforeEach(() => {
  closes.length = 0;
  release = deferred();
  runs = 0;
});

describe('the test kit: drop() and resume()', () => {
  it('drops, misses frames, resumes and gets them in order; a request in flight resolves once', async () => {
    const app = await makeApp();
    const a = await connectGateway(app, '/kit');
    const b = await connectGateway(app, '/kit');
    await until(() => a.session !== null);
    const reply = a.request('slow');
    await until(() => runs === 1);
    await a.drop();
    b.emit('say', 'one');
    b.emit('say', 'two');
    await b.next('said');
    await b.next('said');
    release.resolve();
    const session = await a.resume();
    expect(session).toEqual({ id: a.session!.id, resumed: true });
    expect(await a.next('said')).toBe('one');
    expect(await a.next('said')).toBe('two');
    await expect(reply).resolves.toBe('done');
    expect(runs).toBe(1);
    expect(await a.request('resumed')).toBe(true);
    await a.close();
    await b.close();
    await until(() => closes.length === 2);
    await app.close();
  });

  it('handlers that take the request see the resume upgrade; an unencodable emit is not numbered', async () => {
    const app = await makeApp();
    const a = await connectGateway(app, '/kit');
    const before = await a.request('requestId');
    a.emit('unencodable');
    expect(await a.next('good')).toBe(1);
    await a.drop();
    expect((await a.resume()).resumed).toBe(true);
    expect(await a.request('requestId')).not.toBe(before);
    await a.close();
    await app.close();
  });

  it('a refused resume is a fresh session, and requests in flight reject', async () => {
    const app = await makeApp({ maxDisconnectionMs: 1 });
    const a = await connectGateway(app, '/kit');
    await until(() => a.session !== null);
    const first = a.session!.id;
    const reply = a.request('slow');
    await until(() => runs === 1);
    await a.drop();
    await until(() => closes.includes(first));
    const session = await a.resume();
    expect(session.resumed).toBe(false);
    expect(session.id).not.toBe(first);
    await expect(reply).rejects.toMatchObject({ code: 'not_connected' });
    release.resolve();
    await a.close();
    await app.close();
  });

  it('conn.close() on a session whose client is away ends it: @OnClose gets the code', async () => {
    const app = await makeApp();
    const a = await connectGateway(app, '/kit');
    const b = await connectGateway(app, '/kit');
    await until(() => a.session !== null);
    const { id } = a.session!;
    await a.drop();
    await until(() => app.websocketServer.clients.size === 1);
    codes.length = 0;
    await b.request('kick', false);
    expect(closes).toEqual([id]);
    expect(codes).toEqual(['4000 kicked']);
    expect((await a.resume()).resumed).toBe(false);
    await a.drop();
    await until(() => app.websocketServer.clients.size === 1);
    await b.request('kick', true);
    expect(codes).toEqual(['4000 kicked', '1000 ']);
    await b.close();
    await app.close();
  });

  it('resume() without a drop is a usage error', async () => {
    const app = await makeApp();
    const a = await connectGateway(app, '/kit');
    await expect(a.resume()).rejects.toThrow(/drop\(\) first/);
    await a.drop();
    await a.drop();
    await app.close();
  });

  it('app.close() ends the sessions that wait for their client: @OnClose runs', async () => {
    const app = await makeApp();
    const a = await connectGateway(app, '/kit');
    await until(() => a.session !== null);
    await a.drop();
    // The server notices the drop on its own schedule: its socket leaves the client set then.
    await until(() => app.websocketServer.clients.size === 0);
    const { id } = a.session!;
    expect(closes).not.toContain(id);
    await app.close();
    expect(closes.filter((closed) => closed === id)).toHaveLength(1);
  });

  it('a gateway without resume sends no $session', async () => {
    const app = await makeApp(false);
    const a = await connectGateway(app, '/kit');
    expect(await a.request('resumed')).toBe(false);
    expect(a.session).toBeNull();
    await a.close();
    await app.close();
  });
});

describe('resume options and reserved events', () => {
  it('refuses @OnMessage("$x") at ready()', async () => {
    @Gateway('/reserved')
    class Reserved {
      @OnMessage('$ack') ack() {}
    }
    const app = Fastify();
    await expect(bootstrap(app, [Reserved])).rejects.toThrow(
      /Reserved\.ack: event "\$ack" starts with "\$", which is reserved/,
    );
  });

  it.each([
    [{ maxFrames: 0 }, /resume.maxFrames must be a positive integer/],
    [{ maxDisconnectionMs: 1.5 }, /resume.maxDisconnectionMs must be a positive integer/],
    [{ identify: 'user' }, /resume.identify must be a function/],
    ['yes', /resume"? must be true, false or an options object/],
    [null, /resume"? must be true, false or an options object/],
  ])('refuses resume %p at ready()', async (resume, message) => {
    const app = Fastify();
    await expect(bootstrap(app, [KitGateway], { resume: resume as never })).rejects.toThrow(
      message,
    );
  });

  it('a gateway option wins over bootstrap', async () => {
    @Gateway('/own', { resume: false })
    class Own {
      @OnMessage('x') x() {}
    }
    const app = Fastify();
    await bootstrap(app, [Own], { resume: true });
    const a = await connectGateway(app, '/own');
    await a.request('x');
    expect(a.session).toBeNull();
    await a.close();
    await app.close();
  });
});
