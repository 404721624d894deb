/**
 * What docs/getting-started.md says about your own services: an unregistered class is built
 * anew for every injection; @singleton() or a registration makes one shared instance.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { container, injectable, singleton } from 'tsyringe';
import { Gateway, GatewayServer, OnMessage, bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';

class Plain {}

@singleton()
class Shared {}

@injectable()
class Registered {}

@Gateway('/a')
class A {
  constructor(
    readonly plain: Plain,
    readonly shared: Shared,
    readonly registered: Registered,
    readonly server: GatewayServer,
  ) {}
  @OnMessage('deps') deps() {
    return instances.push(this);
  }
}

@Gateway('/b')
class B extends A {}

const instances: A[] = [];
let app: FastifyInstance;
afterEach(() => app?.close());

test('plain classes are new per injection; singletons and registered ones are shared', async () => {
  const services = container.createChildContainer();
  services.registerSingleton(Registered);
  app = Fastify();
  await bootstrap(app, [A, B], { container: services });
  for (const path of ['/a', '/b']) {
    const client = await connectGateway(app, path);
    await client.request('deps');
    await client.close();
  }
  const [a, b] = instances;
  expect(a.plain).toBeInstanceOf(Plain);
  expect(a.plain).not.toBe(b.plain);
  expect(a.shared).toBe(b.shared);
  expect(a.registered).toBe(b.registered);
});
