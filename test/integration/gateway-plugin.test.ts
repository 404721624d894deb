import Fastify, { type FastifyInstance } from 'fastify';
import { Gateway, OnMessage, fastifyWsGateway } from 'fastify-ws-gateway';
import { echoOver } from '../support/network';

@Gateway('/echo')
class EchoGateway {
  @OnMessage('echo') echo(body: unknown) {
    return body;
  }
}

describe('app.register(fastifyWsGateway, { gateways, ...options })', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('serves the gateways on the app it is registered on, as bootstrap() does', async () => {
    app = Fastify();
    await app.register(fastifyWsGateway, { gateways: [EchoGateway] });
    await app.ready();
    expect(app.hasRoute({ method: 'GET', url: '/echo' })).toBe(true);
    await expect(echoOver(app, '/echo')).resolves.toEqual({ event: 'echo', data: 'hi', id: 1 });
  });

  it('passes the other options to bootstrap (here requireDto)', async () => {
    app = Fastify();
    void app.register(fastifyWsGateway, { gateways: [EchoGateway], requireDto: true });
    await expect(app.ready()).rejects.toMatchObject({ code: 'FWG_ERR_BODY_NOT_VALIDATED' });
  });

  it('takes the prefix of the context it is registered in', async () => {
    app = Fastify();
    let api!: FastifyInstance;
    await app.register(
      async (scope) => {
        api = scope;
        await scope.register(fastifyWsGateway, { gateways: [EchoGateway] });
      },
      { prefix: '/v1' },
    );
    await app.ready();
    expect(app.hasRoute({ method: 'GET', url: '/v1/echo' })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/echo' })).toBe(false);
    await expect(echoOver(api, '/v1/echo')).resolves.toMatchObject({ data: 'hi' });
  });

  it.each([[undefined], [EchoGateway]])(
    'refuses gateways that are not an array (%p)',
    async (gateways) => {
      app = Fastify();
      void app.register(fastifyWsGateway, { gateways } as never);
      await expect(app.ready()).rejects.toMatchObject({
        code: 'FWG_ERR_INVALID_ARGUMENT',
        message:
          'app.register(fastifyWsGateway, { gateways }): gateways must be an array of @Gateway classes',
      });
    },
  );
});
