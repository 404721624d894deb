import Fastify, { type FastifyInstance } from 'fastify';
import fastifyUpstream from '@fastify/websocket';
import { IsString } from 'class-validator';
import { Gateway, OnMessage, MessageBody, bootstrap, fastifyWebsocket } from 'fastify-ws-gateway';
import { echoOver, listen } from '../support/network';
import { TestClient } from '../support/test-client';

class TextDto {
  @IsString() text!: string;
}

@Gateway('/echo')
class EchoGateway {
  @OnMessage('echo') echo(body: unknown) {
    return body;
  }
}

@Gateway('/loose')
class LooseGateway {
  @OnMessage('typed') typed(@MessageBody() body: TextDto) {
    return body.text;
  }
  @OnMessage('loose') loose(body: unknown) {
    return body;
  }
}

@Gateway('/')
class RootGateway {
  @OnMessage('where') where() {
    return 'root';
  }
}

describe('bootstrap', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('makes each gateway a GET route usable through injectWS', async () => {
    app = Fastify();
    await bootstrap(app, [EchoGateway]);
    await app.ready();
    expect(app.hasRoute({ method: 'GET', url: '/echo' })).toBe(true);
    expect(app.hasDecorator('websocketServer')).toBe(true);
    await expect(echoOver(app, '/echo')).resolves.toEqual({ event: 'echo', data: 'hi', id: 1 });
  });

  it('applies the prefix of the enclosing plugin, and several bootstrap calls share one websocket plugin', async () => {
    app = Fastify();
    let api!: FastifyInstance;
    await app.register(
      async (instance) => {
        api = instance;
        await bootstrap(instance, [EchoGateway]);
        await bootstrap(instance, [RootGateway]);
      },
      { prefix: '/api' },
    );
    await app.ready();
    expect(app.hasRoute({ method: 'GET', url: '/api/echo' })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/echo' })).toBe(false);
    await expect(echoOver(api, '/api/echo')).resolves.toMatchObject({ data: 'hi' });
    const client = await TestClient.open(`${await listen(app)}/api`);
    await expect(client.request('where', null, 1)).resolves.toMatchObject({ data: 'root' });
    await client.close();
  });

  it('uses a websocket plugin the app already registered', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { maxPayload: 1024 } });
    await bootstrap(app, [EchoGateway]);
    await app.ready();
    expect(app.websocketServer.options.maxPayload).toBe(1024);
    await expect(echoOver(app, '/echo')).resolves.toMatchObject({ data: 'hi' });
  });

  it('still works on top of upstream @fastify/websocket (without the shutdown drain)', async () => {
    app = Fastify();
    await app.register(fastifyUpstream);
    await bootstrap(app, [EchoGateway]);
    await app.ready();
    await expect(echoOver(app, '/echo')).resolves.toMatchObject({ data: 'hi' });
  });

  it('rejects bootstrap() and ready() for a class that is not a gateway', async () => {
    class Plain {}
    app = Fastify();
    await expect(bootstrap(app, [Plain])).rejects.toMatchObject({
      code: 'FWG_ERR_NOT_A_GATEWAY',
      message: expect.stringContaining('Plain'),
    });
    await expect(app.ready()).rejects.toMatchObject({ code: 'FWG_ERR_NOT_A_GATEWAY' });
  });

  it('accepts an empty gateway list, keeping a finite maxPayload', async () => {
    app = Fastify();
    await bootstrap(app, [], { limits: { maxPayload: 2048 } });
    await app.ready();
    expect(app.websocketServer.options.maxPayload).toBe(2048);
  });

  it('rejects a gateway list that is not an array', async () => {
    app = Fastify();
    await expect(bootstrap(app, EchoGateway as never)).rejects.toMatchObject({
      code: 'FWG_ERR_INVALID_ARGUMENT',
    });
  });

  it('rejects two handlers for one event', async () => {
    @Gateway('/dup')
    class DuplicateEvents {
      @OnMessage('say') one() {}
      @OnMessage('say') two() {}
    }
    app = Fastify();
    await expect(bootstrap(app, [DuplicateEvents])).rejects.toMatchObject({
      code: 'FWG_ERR_DUPLICATE_EVENT',
    });
  });

  it('under requireDto rejects a body without a DTO class, naming class, member and event', async () => {
    app = Fastify();
    await expect(bootstrap(app, [LooseGateway], { requireDto: true })).rejects.toMatchObject({
      code: 'FWG_ERR_BODY_NOT_VALIDATED',
      message: expect.stringContaining('LooseGateway.loose (event "loose")'),
    });
    @Gateway('/strict')
    class StrictGateway {
      @OnMessage('typed') typed(@MessageBody() body: TextDto) {
        return body.text;
      }
      @OnMessage('nobody') nobody() {
        return 1;
      }
    }
    const strict = Fastify();
    await bootstrap(strict, [StrictGateway], { requireDto: true });
    await strict.ready();
    await strict.close();
  });

  it('rejects invalid limits naming the gateway', async () => {
    @Gateway('/limited', { limits: { maxInFlight: 0 } })
    class BadLimits {
      @OnMessage('x') x() {}
    }
    app = Fastify();
    await expect(bootstrap(app, [BadLimits])).rejects.toMatchObject({
      code: 'FWG_ERR_INVALID_LIMIT',
      message: expect.stringContaining('BadLimits'),
    });
  });

  it('refuses a foreign Origin with 403 before any socket exists', async () => {
    const connect = jest.fn();
    const onRequest = jest.fn((_request: unknown, _reply: unknown, done: () => void) => done());
    @Gateway('/origin', {
      allowedOrigins: ['https://good.example'],
      hooks: { onRequest: [onRequest] },
    })
    class OriginGateway {
      @OnMessage('x') x() {
        connect();
        return 'ok';
      }
    }
    @Gateway('/hooked', { hooks: { onRequest } })
    class HookedGateway {}
    app = Fastify();
    await bootstrap(app, [OriginGateway, EchoGateway, HookedGateway], {
      allowedOrigins: ['https://other.example'],
    });
    const base = await listen(app);
    await expect(
      TestClient.open(`${base}/origin`, { origin: 'https://evil.example' }),
    ).rejects.toThrow('Unexpected server response: 403');
    await expect(
      TestClient.open(`${base}/echo`, { origin: 'https://good.example' }),
    ).rejects.toThrow('Unexpected server response: 403');
    const good = await TestClient.open(`${base}/origin`, { origin: 'https://good.example' });
    await expect(good.request('x', null, 1)).resolves.toMatchObject({ data: 'ok' });
    const other = await TestClient.open(`${base}/echo`, { origin: 'https://other.example' });
    // Non-browser clients send no Origin; they are not what the check protects against.
    const noOrigin = await TestClient.open(`${base}/origin`);
    expect(onRequest).toHaveBeenCalledTimes(2);
    const hooked = await TestClient.open(`${base}/hooked`, { origin: 'https://other.example' });
    await expect(
      TestClient.open(`${base}/hooked`, { origin: 'https://good.example' }),
    ).rejects.toThrow('Unexpected server response: 403');
    expect(onRequest).toHaveBeenCalledTimes(3);
    await Promise.all([good.close(), other.close(), noOrigin.close(), hooked.close()]);
  });

  it('merges validator options from bootstrap and the gateway', async () => {
    @Gateway('/lenient', { validator: { forbidNonWhitelisted: false } })
    class LenientGateway {
      @OnMessage('typed') typed(@MessageBody() body: TextDto) {
        return body;
      }
    }
    app = Fastify();
    await bootstrap(app, [LenientGateway, LooseGateway], { validator: { whitelist: true } });
    const base = await listen(app);
    const lenient = await TestClient.open(`${base}/lenient`);
    await expect(lenient.request('typed', { text: 'a', extra: 1 }, 1)).resolves.toMatchObject({
      data: { text: 'a' },
    });
    const strict = await TestClient.open(`${base}/loose`);
    await expect(strict.request('typed', { text: 'a', extra: 1 }, 1)).resolves.toMatchObject({
      data: { code: 'validation_failed' },
    });
    await Promise.all([lenient.close(), strict.close()]);
  });

  it("validates the upgrade against the gateway's schema, on every app that serves it", async () => {
    const querystring = {
      type: 'object',
      properties: { token: { type: 'string', minLength: 3 } },
      required: ['token'],
    };
    const options = { schema: { querystring } };
    @Gateway('/guarded', options)
    class SchemaGateway {
      @OnMessage('echo') echo(body: unknown) {
        return body;
      }
    }
    // An edit after decoration does not reach the gateway: the schema was copied.
    (options.schema as Record<string, unknown>).querystring = { type: 'object' };
    const other = Fastify();
    try {
      for (const server of [(app = Fastify()), other]) {
        await bootstrap(server, [SchemaGateway]);
        await server.ready();
        await expect(server.injectWS('/guarded')).rejects.toThrow(
          'Unexpected server response: 400',
        );
        await expect(server.injectWS('/guarded?token=ab')).rejects.toThrow(
          'Unexpected server response: 400',
        );
        await expect(echoOver(server, '/guarded?token=abc')).resolves.toEqual({
          event: 'echo',
          data: 'hi',
          id: 1,
        });
      }
    } finally {
      await other.close();
    }
  });
});
