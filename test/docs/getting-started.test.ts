/**
 * What docs/getting-started.md says: a service class is one instance per app (registered or
 * not; @singleton() shares one across apps), the supported Node and
 * TypeScript versions, and what tsx/esbuild break and how the documented fix repairs it.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { transformSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { container, injectable, singleton } from 'tsyringe';
import { Gateway, GatewayServer, OnMessage, bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { codeBlocks, ROOT } from './markdown';

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

test('plain classes are one instance per app, like singletons and registered ones', async () => {
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
  expect(a.plain).toBe(b.plain);
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

describe('compilers without decorator metadata, as docs/getting-started.md describes them', () => {
  /** Compiles TypeScript as tsx and esbuild do (no emitted parameter types) and loads it. */
  function loadWithEsbuild(code: string, name: string): Record<string, any> {
    const { code: js } = transformSync(code, {
      loader: 'ts',
      format: 'cjs',
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    });
    expect(js).not.toContain('design:paramtypes');
    const dir = mkdtempSync(join(ROOT, '.doc-blocks-esbuild-'));
    try {
      writeFileSync(join(dir, `${name}.js`), js);
      return jest.requireActual(join(dir, `${name}.js`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the Quick start gateway fails at bootstrap() and ready() naming the class and the fix', async () => {
    const source = readFileSync(join(ROOT, 'samples/quick-start/src/chat.gateway.ts'), 'utf8');
    const { ChatGateway } = loadWithEsbuild(source, 'quick-start');
    app = Fastify();
    const expected = {
      code: 'FWG_ERR_CONSTRUCTOR_TYPES_MISSING',
      message: expect.stringMatching(
        /^ChatGateway has \d constructor parameter.*emitDecoratorMetadata.*@inject/,
      ),
    };
    await expect(bootstrap(app, [ChatGateway])).rejects.toMatchObject(expected);
    await expect(app.ready()).rejects.toMatchObject(expected);
  });

  test('the documented fix (@inject and { body }) injects and validates', async () => {
    const [block] = codeBlocks('docs/getting-started.md').filter((b) =>
      b.code.includes('@inject(GatewayServer)'),
    );
    const { ChatGateway } = loadWithEsbuild(block.code, 'fixed');
    app = Fastify();
    await bootstrap(app, [ChatGateway]);
    const client = await connectGateway(app, '/chat/lobby');
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
    await expect(client.next('said')).resolves.toEqual({ text: 'hi' });
    await expect(client.request('say', { text: 1 })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await client.close();
  });
});
