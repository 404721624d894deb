/**
 * Routes: `{ websocket: true }`, `wsHandler` beside an HTTP handler, wildcard and param
 * routes, prefixes and encapsulation, and what happens to upgrades and plain requests that
 * reach the "wrong" kind of route.
 */
import Fastify, {
  type FastifyInstance,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { listen } from '../support/network';
import { closed, INFO_LEVEL, inject, nextMessage, openClient, recordLogs } from './clients';
import { fastifyWebsocket } from './plugin-under-test';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appWithPlugin(options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  app = Fastify(options);
  await app.register(fastifyWebsocket);
  return app;
}

function echo(socket: WebSocket): void {
  socket.on('message', (data) => socket.send('echo:' + String(data)));
}

describe('{ websocket: true } routes', () => {
  test('the handler gets (socket, request) and serves injectWS clients', async () => {
    await appWithPlugin();
    app.get('/echo', { websocket: true }, (socket, request) => {
      socket.send(`hello ${request.query && (request.query as { name: string }).name}`);
      echo(socket);
    });
    await app.ready();
    const ws = await inject(app, '/echo?name=ann');
    const greeting = nextMessage(ws);
    expect(await greeting).toBe('hello ann');
    const reply = nextMessage(ws);
    ws.send('hi');
    expect(await reply).toBe('echo:hi');
    ws.terminate();
  });

  test('a real server on port 0 serves ws clients', async () => {
    await appWithPlugin();
    app.get('/echo', { websocket: true }, echo);
    const url = await listen(app);
    const ws = await openClient(`${url}/echo`);
    const reply = nextMessage(ws);
    ws.send('over tcp');
    expect(await reply).toBe('echo:over tcp');
    ws.terminate();
  });

  test('injectWS passes the upgrade context (headers) through every hook', async () => {
    await appWithPlugin();
    app.get('/whoami', { websocket: true }, (socket, request) => {
      socket.send(String(request.headers['x-user']));
    });
    await app.ready();
    const ws = await inject(app, '/whoami', { headers: { 'x-user': 'bob' } });
    expect(await nextMessage(ws)).toBe('bob');
    ws.terminate();
  });

  test('injectWS calls onInit before the upgrade and onOpen once open', async () => {
    await appWithPlugin();
    app.get('/ws', { websocket: true }, (socket) => socket.send('first'));
    await app.ready();
    const calls: string[] = [];
    let firstFrame!: Promise<string>;
    const ws = await app.injectWS(
      '/ws',
      {},
      {
        onInit: (client) => calls.push(`init:${client.readyState}`),
        onOpen: (client) => {
          calls.push(`open:${client.readyState}`);
          firstFrame = nextMessage(client);
        },
      },
    );
    expect(calls).toEqual(['init:0', 'open:1']);
    expect(await firstFrame).toBe('first');
    ws.terminate();
  });

  test('request.ws is true for an upgrade and false for plain HTTP', async () => {
    await appWithPlugin();
    const seen: boolean[] = [];
    app.addHook('onRequest', async (request) => void seen.push(request.ws));
    app.get('/http', async (request) => ({ ws: request.ws }));
    app.get('/ws', { websocket: true }, (socket, request) => socket.send(String(request.ws)));
    await app.ready();
    expect((await app.inject('/http')).json()).toEqual({ ws: false });
    const ws = await inject(app, '/ws');
    expect(await nextMessage(ws)).toBe('true');
    expect(seen).toEqual([false, true]);
    ws.terminate();
  });

  test('websocketServer emits connection with the socket and the raw request', async () => {
    await appWithPlugin();
    let handlerSocket: WebSocket | undefined;
    app.get('/ws', { websocket: true }, (socket) => (handlerSocket = socket));
    await app.ready();
    const connected = new Promise<[WebSocket, IncomingMessage]>((resolve) =>
      app.websocketServer.once('connection', (socket, request) => resolve([socket, request])),
    );
    const ws = await inject(app, '/ws?x=1');
    const [socket, request] = await connected;
    expect(socket).toBe(handlerSocket);
    expect(request.url).toBe('/ws?x=1');
    ws.terminate();
  });

  test('a GET (plain HTTP) to a websocket-only route is a 404 with an empty body', async () => {
    await appWithPlugin();
    app.get('/ws', { websocket: true }, echo);
    const response = await app.inject('/ws');
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe('');
  });

  test('a HEAD to a websocket-only route is a 404', async () => {
    await appWithPlugin();
    app.get('/ws', { websocket: true }, echo);
    const response = await app.inject({ method: 'HEAD', url: '/ws' });
    expect(response.statusCode).toBe(404);
  });

  test('websocket routes carry schema.hide: true (kept out of generated docs)', async () => {
    await appWithPlugin();
    const schemas: Record<string, RouteOptions['schema']> = {};
    app.addHook(
      'onRoute',
      (route) => void (schemas[`${route.method} ${route.url}`] = route.schema),
    );
    app.get('/ws', { websocket: true, schema: { querystring: { type: 'object' } } }, echo);
    app.route({ method: 'GET', url: '/both', handler: async () => 'http', wsHandler: echo });
    await app.ready();
    expect(schemas['GET /ws']).toMatchObject({ hide: true, querystring: { type: 'object' } });
    expect(schemas['GET /both']).toBeUndefined();
  });
});

describe('wsHandler: one URL serving HTTP and websocket', () => {
  function routeBoth(): void {
    app.route({
      method: 'GET',
      url: '/hello',
      handler: async (_request, reply) => reply.header('x-http', 'yes').send({ hello: 'world' }),
      wsHandler: (socket) => {
        socket.send('hello client');
        socket.once('message', () => socket.close());
      },
    });
  }

  test('HTTP requests go to handler, upgrades to wsHandler', async () => {
    await appWithPlugin();
    routeBoth();
    const url = await listen(app);
    expect((await app.inject('/hello')).json()).toEqual({ hello: 'world' });
    const ws = await openClient(`${url}/hello`);
    const greeting = nextMessage(ws);
    expect(await greeting).toBe('hello client');
    const done = closed(ws);
    ws.send('bye');
    expect((await done).code).toBe(1005);
  });

  test('HEAD goes to the HTTP handler', async () => {
    await appWithPlugin();
    routeBoth();
    const response = await app.inject({ method: 'HEAD', url: '/hello' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-http']).toBe('yes');
  });

  test("a wsHandler that is not a function: route() throws 'invalid wsHandler function'", async () => {
    await appWithPlugin();
    const declare = () =>
      app.route({ method: 'GET', url: '/x', handler: async () => 'x', wsHandler: 'nope' as never });
    expect(declare).toThrow(TypeError);
    expect(declare).toThrow('invalid wsHandler function');
  });
});

describe('methods', () => {
  test.each([
    ['POST', 'POST'],
    ['a method array with POST', ['GET', 'POST']],
  ])('websocket: true with %s throws at once', async (_name, method) => {
    await appWithPlugin();
    expect(() =>
      app.route({ method: method as never, url: '/x', websocket: true, handler: echo as never }),
    ).toThrow(new Error('websocket handler can only be declared in GET method'));
  });

  test('a wsHandler on a POST route throws at once', async () => {
    await appWithPlugin();
    expect(() =>
      app.route({ method: 'POST', url: '/x', handler: async () => 'x', wsHandler: echo }),
    ).toThrow(new Error('websocket handler can only be declared in GET method'));
  });

  test("method ['GET', 'HEAD'] with websocket: true upgrades; HEAD gets 404", async () => {
    await appWithPlugin();
    app.route({ method: ['GET', 'HEAD'], url: '/ws', websocket: true, handler: echo as never });
    await app.ready();
    expect((await app.inject({ method: 'HEAD', url: '/ws' })).statusCode).toBe(404);
    const ws = await inject(app, '/ws');
    const reply = nextMessage(ws);
    ws.send('x');
    expect(await reply).toBe('echo:x');
    ws.terminate();
  });

  test("method 'HEAD' with websocket: true is accepted and answers 404", async () => {
    await appWithPlugin();
    app.route({ method: 'HEAD', url: '/ws', websocket: true, handler: echo as never });
    expect((await app.inject({ method: 'HEAD', url: '/ws' })).statusCode).toBe(404);
  });
});

describe('wildcard, params, prefix and encapsulation', () => {
  test('README: a wildcard route is the default, "/" still wins for "/"', async () => {
    await appWithPlugin();
    await app.register(async (child) => {
      child.get('/*', { websocket: true }, (socket) => socket.send('hi from wildcard route'));
      child.get('/', { websocket: true }, (socket) => socket.send('hi from server'));
    });
    const url = await listen(app);
    const root = await openClient(`${url}/`);
    expect(await nextMessage(root)).toBe('hi from server');
    const other = await openClient(`${url}/some/where`);
    expect(await nextMessage(other)).toBe('hi from wildcard route');
    root.terminate();
    other.terminate();
  });

  test('param routes give request.params', async () => {
    await appWithPlugin();
    app.get('/rooms/:room', { websocket: true }, (socket, request) => {
      socket.send((request.params as { room: string }).room);
    });
    await app.ready();
    const ws = await inject(app, '/rooms/kitchen');
    expect(await nextMessage(ws)).toBe('kitchen');
    ws.terminate();
  });

  test('`this` is the encapsulated instance (prefix and decorators) in handler and wsHandler', async () => {
    await appWithPlugin();
    let child!: FastifyInstance;
    await app.register(
      async (instance) => {
        child = instance;
        instance.decorate('room', 'lobby');
        instance.get('/ws', { websocket: true }, function (socket) {
          const self = this as FastifyInstance & { room: string };
          socket.send(`${self.prefix}|${self.room}|${this === child}`);
        });
        instance.route({
          method: 'GET',
          url: '/both',
          handler: async () => 'http',
          wsHandler(socket) {
            socket.send(`${this.prefix}|${this === child}`);
          },
        });
      },
      { prefix: '/api' },
    );
    await app.ready();
    const ws = await inject(app, '/api/ws');
    expect(await nextMessage(ws)).toBe('/api|lobby|true');
    const both = await inject(app, '/api/both');
    expect(await nextMessage(both)).toBe('/api|true');
    ws.terminate();
    both.terminate();
  });

  test('a hook in one encapsulated context does not affect routes of another', async () => {
    await appWithPlugin();
    await app.register(async (locked) => {
      locked.addHook('onRequest', async (_request, reply) => reply.code(403).send());
      locked.get('/locked', { websocket: true }, echo);
    });
    await app.register(async (open) => {
      open.get('/open', { websocket: true }, (socket) => socket.send('open'));
    });
    await app.ready();
    await expect(inject(app, '/locked')).rejects.toThrow('Unexpected server response: 403');
    const ws = await inject(app, '/open');
    expect(await nextMessage(ws)).toBe('open');
    ws.terminate();
  });
});

describe('upgrades that reach no websocket handler', () => {
  test('an upgrade to a plain HTTP route is accepted, then closed without a code (1005)', async () => {
    const { logger, lines } = recordLogs();
    await appWithPlugin({ logger });
    app.get('/http-only', async () => 'http');
    const url = await listen(app);
    const ws = await openClient(`${url}/http-only`);
    expect(await closed(ws)).toEqual({ code: 1005, reason: '' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: INFO_LEVEL,
        path: '/http-only',
        msg: 'closed incoming websocket connection for path with no websocket handler',
      }),
    );
  });

  test('an upgrade to a path with no route gets a 404 and the socket is closed', async () => {
    await appWithPlugin();
    app.get('/ws', { websocket: true }, echo);
    const url = await listen(app);
    await expect(openClient(`${url}/nowhere`)).rejects.toThrow('Unexpected server response: 404');
    await expect(inject(app, '/nowhere')).rejects.toEqual(
      new Error('Unexpected server response: 404'),
    );
  });

  test('a plain GET to a path with no route is the usual 404', async () => {
    await appWithPlugin();
    app.get('/ws', { websocket: true }, echo);
    const response = await app.inject('/nowhere');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'Not Found' });
  });
});
