/**
 * What docs/getting-started.md says: an unregistered service class is built anew for every
 * injection (@singleton() or a registration makes one shared instance), and the supported
 * Node and TypeScript versions.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { container, injectable, singleton } from 'tsyringe';
import { Gateway, GatewayServer, OnMessage, bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { ROOT } from './markdown';

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

describe('the supported versions stated in docs/getting-started.md', () => {
  const page = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const require = createRequire(join(ROOT, 'package.json'));
  const [major, minor] = ts.version.split('.').map(Number);

  test('Node: the range package.json declares, and this Node is in it', () => {
    expect(manifest.engines.node).toBe('>=20');
    expect(page).toContain('| Node.js | 20 or later |');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });

  test('TypeScript: the compiler these tests run on is 5.x to 6.0.x, and ts-jest refuses 7', () => {
    expect(page).toContain('| TypeScript | 5.x to 6.0.x |');
    expect(major === 5 || (major === 6 && minor === 0)).toBe(true);
    // The reason given for "not 7": ts-jest's own peer range ends below it.
    const tsJest = JSON.parse(readFileSync(require.resolve('ts-jest/package.json'), 'utf8'));
    expect(tsJest.peerDependencies.typescript).toMatch(/<7$/);
  });
});
