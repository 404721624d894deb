import { transformSync } from 'esbuild';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { container as globalContainer, inject, injectable, singleton } from 'tsyringe';
import {
  Gateway,
  OnConnect,
  OnMessage,
  OnClose,
  Req,
  ConnectedSocket,
  Connection,
  GatewayServer,
  FASTIFY_REQUEST,
  bootstrap,
} from 'fastify-ws-gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { until } from '../support/waiting';

@injectable()
class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

describe('dependency injection', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('builds a singleton gateway once per app, injecting services and its GatewayServer', async () => {
    const built = jest.fn();
    @Gateway('/single')
    class SingleGateway {
      constructor(
        private readonly greeter: Greeter,
        readonly server: GatewayServer,
      ) {
        built(server);
      }
      @OnMessage('greet') greet(name: string) {
        return this.greeter.greet(name);
      }
      @OnMessage('same') same() {
        return this.server.fetchConnections().length;
      }
    }
    app = Fastify();
    await bootstrap(app, [SingleGateway]);
    const base = await listen(app);
    expect(built).toHaveBeenCalledTimes(1);
    expect(built.mock.calls[0][0]).toBeInstanceOf(GatewayServer);
    const a = await TestClient.open(`${base}/single`);
    const b = await TestClient.open(`${base}/single`);
    await expect(a.request('greet', 'ada', 1)).resolves.toMatchObject({ data: 'hello ada' });
    await expect(b.request('same', null, 1)).resolves.toMatchObject({ data: 2 });
    expect(built).toHaveBeenCalledTimes(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('resolves from the given container', async () => {
    const child = globalContainer.createChildContainer();
    child.registerInstance(Greeter, { greet: (name: string) => `custom ${name}` });
    @Gateway('/custom')
    class CustomGateway {
      constructor(private readonly greeter: Greeter) {}
      @OnMessage('greet') greet(name: string) {
        return this.greeter.greet(name);
      }
    }
    app = Fastify();
    await bootstrap(app, [CustomGateway], { container: child });
    const client = await TestClient.open(`${await listen(app)}/custom`);
    await expect(client.request('greet', 'bo', 1)).resolves.toMatchObject({ data: 'custom bo' });
    await client.close();
  });

  it('gives a connection-scoped gateway a fresh instance per connection with its Connection and request', async () => {
    const instances: object[] = [];
    const closedOn: object[] = [];
    @injectable()
    class PerConnectionService {
      constructor(readonly connection: Connection) {}
    }
    @Gateway('/scoped/:room', { scope: 'connection' })
    class ScopedGateway {
      count = 0;
      constructor(
        readonly connection: Connection,
        @inject(FASTIFY_REQUEST) readonly request: FastifyRequest,
        readonly service: PerConnectionService,
        readonly server: GatewayServer,
      ) {
        instances.push(this);
      }
      @OnMessage('inc') inc(_body: unknown, conn: Connection) {
        this.count++;
        return {
          count: this.count,
          same: conn === this.connection && this.service.connection === conn,
          url: this.request.url,
          room: this.connection.params.room,
        };
      }
      @OnClose() close() {
        closedOn.push(this);
      }
    }
    app = Fastify();
    await bootstrap(app, [ScopedGateway]);
    const base = await listen(app);
    const a = await TestClient.open(`${base}/scoped/r1?x=1`);
    const b = await TestClient.open(`${base}/scoped/r2`);
    await a.request('inc', null, 1);
    await expect(a.request('inc', null, 2)).resolves.toMatchObject({
      data: { count: 2, same: true, url: '/scoped/r1?x=1', room: 'r1' },
    });
    await expect(b.request('inc', null, 1)).resolves.toMatchObject({
      data: { count: 1, room: 'r2' },
    });
    expect(instances).toHaveLength(2);
    await a.close();
    await until(() => closedOn.length === 1);
    expect(closedOn[0]).toBe(instances[0]);
    await b.close();
  });

  it('closes with 1011 when a connection-scoped gateway cannot be built', async () => {
    @Gateway('/unbuildable', { scope: 'connection' })
    class UnbuildableGateway {
      constructor() {
        throw new Error('no');
      }
      @OnMessage('x') x() {}
    }
    app = Fastify({ logger: false });
    await bootstrap(app, [UnbuildableGateway]);
    const client = await TestClient.open(`${await listen(app)}/unbuildable`);
    await expect(client.closed).resolves.toMatchObject({ code: 1011 });
  });

  it('refuses at ready a singleton gateway asking for Connection or the request', async () => {
    @Gateway('/needs-conn')
    class NeedsConnection {
      constructor(readonly connection: Connection) {}
    }
    app = Fastify();
    await bootstrap(app, [NeedsConnection]);
    await expect(app.ready()).rejects.toMatchObject({
      code: 'FWG_ERR_CONNECTION_NOT_INJECTABLE',
      message: expect.stringContaining('NeedsConnection asks for Connection'),
    });
    await app.close();

    @Gateway('/needs-request')
    class NeedsRequest {
      constructor(@inject(FASTIFY_REQUEST) readonly request: FastifyRequest) {}
    }
    app = Fastify();
    await bootstrap(app, [NeedsRequest]);
    await expect(app.ready()).rejects.toMatchObject({ code: 'FWG_ERR_REQUEST_NOT_INJECTABLE' });
  });

  it('reports other constructor failures of a singleton as they are', async () => {
    @singleton()
    class Broken {
      constructor() {
        throw new Error('broken service');
      }
    }
    @Gateway('/broken-dep')
    class BrokenDependency {
      constructor(readonly broken: Broken) {}
    }
    app = Fastify();
    await bootstrap(app, [BrokenDependency]);
    await expect(app.ready()).rejects.toThrow('broken service');
  });

  it('passes the upgrade request to @OnConnect, and keeps it for handlers that take it', async () => {
    @Gateway('/req', { keepHeaders: ['x-team', 'x-absent'] })
    class RequestGateway {
      @OnConnect() connect(conn: Connection, request: FastifyRequest) {
        conn.data.agent = request.headers['x-team'];
      }
      @OnMessage('info') info(@ConnectedSocket() conn: Connection, @Req() request: FastifyRequest) {
        return {
          url: request.url,
          agent: conn.data.agent,
          headers: conn.headers,
          query: conn.query,
          rooms: [...conn.rooms],
        };
      }
    }
    app = Fastify();
    await bootstrap(app, [RequestGateway]);
    const client = await TestClient.open(`${await listen(app)}/req?q=1&__proto__=x`, {
      headers: { 'x-team': 'blue', 'x-secret': 'nope' },
    });
    const reply = await client.request('info', null, 1);
    expect(reply.data).toEqual({
      url: '/req?q=1&__proto__=x',
      agent: 'blue',
      headers: { 'x-team': 'blue' },
      query: { q: '1', ['__proto__']: 'x' },
      rooms: [],
    });
    await client.close();
  });

  it('keeps the request for message handlers of a gateway without @OnConnect', async () => {
    @Gateway('/req-only')
    class RequestOnlyGateway {
      @OnMessage('url') url(@Req() request: FastifyRequest) {
        return request.url;
      }
    }
    app = Fastify();
    await bootstrap(app, [RequestOnlyGateway]);
    const client = await TestClient.open(`${await listen(app)}/req-only?a=b`);
    await expect(client.request('url', null, 1)).resolves.toMatchObject({ data: '/req-only?a=b' });
    await client.close();
  });

  describe('a gateway built without design:paramtypes (tsx, esbuild)', () => {
    /** Compiles `source` as esbuild does for tsx: decorators, but no parameter types. */
    function buildWithEsbuild(source: string): Record<string, unknown> {
      const { code } = transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
      });
      const module = { exports: {} as Record<string, unknown> };
      new Function('require', 'module', 'exports', code)(require, module, module.exports);
      return module.exports;
    }

    const GATEWAY = (path: string, scope: string, parameter: string) => `
      import { Gateway, OnMessage } from 'fastify-ws-gateway';
      import { inject } from 'tsyringe';
      export class Clock { now() { return 42; } }
      @Gateway('${path}', { scope: '${scope}' })
      export class EsbuildGateway {
        constructor(${parameter}) {}
        @OnMessage('now') now() { return this.clock.now(); }
      }
    `;

    it.each([
      ['singleton', 'private readonly clock: Clock', 1],
      ['connection', 'private readonly clock: Clock', 1],
      ['singleton', "@inject('Clock') private readonly clock: Clock, other: Clock", 1],
      ['singleton', 'private readonly clock: Clock, other: Clock', 2],
    ])(
      'with scope %s and (%s) fails ready() naming the class and the fix',
      async (scope, parameters, count) => {
        const { EsbuildGateway } = buildWithEsbuild(
          GATEWAY('/untyped', scope as string, parameters as string),
        );
        app = Fastify();
        const registering = bootstrap(app, [EsbuildGateway as new () => object]);
        const expected = {
          code: 'FWG_ERR_CONSTRUCTOR_TYPES_MISSING',
          message: expect.stringMatching(
            new RegExp(
              `^EsbuildGateway has ${count} constructor parameter\\(s\\) .*"emitDecoratorMetadata": true.*@inject\\(token\\)`,
            ),
          ),
        };
        await expect(app.ready()).rejects.toMatchObject(expected);
        await expect(registering).rejects.toMatchObject(expected);
      },
    );

    it('works when every constructor parameter has an @inject token', async () => {
      const { EsbuildGateway, Clock } = buildWithEsbuild(
        GATEWAY('/tokens', 'singleton', "@inject('Clock') private readonly clock: Clock"),
      );
      const scope = globalContainer.createChildContainer();
      scope.register('Clock', { useValue: new (Clock as new () => object)() });
      app = Fastify();
      await bootstrap(app, [EsbuildGateway as new () => object], { container: scope });
      const client = await TestClient.open(`${await listen(app)}/tokens`);
      await expect(client.request('now', null, 1)).resolves.toMatchObject({ data: 42 });
      await client.close();
    });
  });
});
