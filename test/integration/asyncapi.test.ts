import Fastify, { type FastifyInstance } from 'fastify';
import { Parser } from '@asyncapi/parser';
import { bootstrap } from 'fastify-ws-gateway';
import { asyncapiDocument } from 'fastify-ws-gateway/asyncapi';
import { buildChatApp } from '../../samples/chat/app';
import { ChatGateway } from '../../samples/chat/chat.gateway';
import { EchoGateway } from '../../samples/echo/echo.gateway';

const info = { title: 'Test', version: '1.0.0' };

async function errorsAndWarnings(document: unknown): Promise<unknown[]> {
  const diagnostics = await new Parser().validate(JSON.stringify(document));
  // severity 0 = error, 1 = warning (2 = info: "AsyncAPI 3.1.0 exists")
  return diagnostics
    .filter((diagnostic) => diagnostic.severity < 2)
    .map(({ code, message, path }) => ({ code, message, path: path.join('/') }));
}

describe('AsyncAPI: the samples and bootstrap({ asyncapi })', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('the chat sample serves its document, which passes @asyncapi/parser, and its page links it', async () => {
    app = await buildChatApp();
    const response = await app.inject({
      url: '/asyncapi.json',
      headers: { host: 'chat.test:8080' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.json();
    expect(document).toMatchObject({
      asyncapi: '3.0.0',
      info: { title: 'fastify-ws-gateway chat' },
      servers: { server: { host: 'chat.test:8080', protocol: 'ws' } },
      channels: { ChatGateway: { address: '/chat/{room}' } },
    });
    expect(Object.keys(document.operations)).toEqual([
      'ChatGateway.say',
      'ChatGateway.history',
      'ChatGateway.joined',
      'ChatGateway.said',
      'ChatGateway.left',
      'ChatGateway.error',
    ]);
    await expect(errorsAndWarnings(document)).resolves.toEqual([]);

    const page = await app.inject({ url: '/' });
    expect(page.body).toContain('<a id="asyncapi" href="/asyncapi.json">');
  });

  it('the echo sample’s document passes @asyncapi/parser', async () => {
    await expect(errorsAndWarnings(asyncapiDocument([EchoGateway], { info }))).resolves.toEqual([]);
  });

  it('serves the given servers as they are, and under the route prefix', async () => {
    app = Fastify();
    const servers = { production: { host: 'chat.example.com', protocol: 'wss' } };
    await app.register(
      async (scope) => {
        await bootstrap(scope, [ChatGateway], {
          asyncapi: { path: '/asyncapi.json', info, servers },
        });
      },
      { prefix: '/v1' },
    );
    const document = (await app.inject({ url: '/v1/asyncapi.json' })).json();
    expect(document.servers).toEqual(servers);
    expect(document.channels.ChatGateway.address).toBe('/v1/chat/{room}');
    expect(app.hasRoute({ method: 'GET', url: '/v1/chat/:room' })).toBe(true);
  });

  it('names wss for a document fetched over https', async () => {
    app = Fastify({ trustProxy: true });
    await bootstrap(app, [EchoGateway], { asyncapi: { path: '/contract', info } });
    const response = await app.inject({
      url: '/contract',
      headers: { host: 'echo.example.com', 'x-forwarded-proto': 'https' },
    });
    expect(response.json().servers).toEqual({
      server: { host: 'echo.example.com', protocol: 'wss' },
    });
  });

  it.each([
    ['a path without "/"', { path: 'asyncapi.json', info }, 'asyncapi.path must be a route path'],
    ['no info', { path: '/asyncapi.json' }, 'options.info needs a "title" and a "version"'],
    ['null', null, 'asyncapi.path must be a route path'],
  ])('rejects bootstrap() for %s', async (_label, asyncapi, message) => {
    app = Fastify();
    await expect(bootstrap(app, [EchoGateway], { asyncapi: asyncapi as never })).rejects.toThrow(
      message,
    );
  });
});
