import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncapiDocument, eventMapTypes } from 'fastify-ws-gateway/asyncapi';
import { ChatGateway } from '../../samples/chat/chat.gateway';
import { ROOT, transpileWithSrc } from '../support/transpile';

/** The CLI as a real process, on the transpiled sources. */
describe('fastify-ws-gateway CLI', () => {
  let dir: string;
  const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'src', 'asyncapi', 'cli.js'), ...args], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });

  beforeAll(() => {
    dir = transpileWithSrc(['samples/chat/chat.gateway.ts']);
    writeFileSync(
      join(dir, 'plain.js'),
      'exports.answer = 42;\nexports.Helper = class Helper {};\n',
    );
    writeFileSync(join(dir, 'not-asyncapi.json'), JSON.stringify({ openapi: '3.0.0', paths: {} }));
    writeFileSync(join(dir, 'broken.json'), '{ "asyncapi": ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('asyncapi <module> --out: writes the document of the gateways the module exports', () => {
    const result = cli(
      'asyncapi',
      'samples/chat/chat.gateway.js',
      '--out',
      'asyncapi.json',
      '--title',
      'Chat',
      '--version=2.0.0',
    );
    expect(result.stderr).toBe('Wrote asyncapi.json\n');
    expect(result.status).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'asyncapi.json'), 'utf8'));
    expect(written).toEqual(
      asyncapiDocument([ChatGateway], { info: { title: 'Chat', version: '2.0.0' } }),
    );
  });

  it('asyncapi <module>: prints to stdout, title and version from the nearest package.json', () => {
    writeFileSync(
      join(dir, 'samples', 'package.json'),
      JSON.stringify({ name: 'chat-app', version: '3.1.4' }),
    );
    const result = cli('asyncapi', join(dir, 'samples', 'chat', 'chat.gateway.js'));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).info).toEqual({ title: 'chat-app', version: '3.1.4' });
    rmSync(join(dir, 'samples', 'package.json'));
  });

  it('types <document> --out: writes the event map', () => {
    cli('asyncapi', 'samples/chat/chat.gateway.js', '--out', 'chat.json');
    const result = cli('types', 'chat.json', '--out', 'events.ts');
    expect(result.status).toBe(0);
    const document = JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'));
    expect(readFileSync(join(dir, 'events.ts'), 'utf8')).toBe(eventMapTypes(document));
    expect(cli('types', 'chat.json').stdout).toBe(eventMapTypes(document));
  });

  it.each([
    [['asyncapi', 'plain.js'], 'plain.js exports no @Gateway class'],
    [['asyncapi', 'missing.js'], 'cannot load missing.js'],
    [
      ['types', 'not-asyncapi.json'],
      'not-asyncapi.json: Not an AsyncAPI 3 document: it has no "asyncapi" version field',
    ],
    [['types', 'broken.json'], 'broken.json is not an AsyncAPI document: it is not JSON'],
    [['types', 'missing.json'], 'cannot read missing.json'],
  ])('%j: says what is wrong on stderr and exits with 1', (args, message) => {
    const result = cli(...args);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`fastify-ws-gateway: ${message}`);
  });

  it.each([
    [[], ''],
    [['types'], ''],
    [['publish', 'x'], 'Unknown command "publish"'],
    [['types', 'a.json', '--force'], 'Unknown option --force'],
    [['types', 'a.json', '--out'], '--out needs a value'],
    [['types', 'a.json', 'b.json'], ''],
  ])('%j: prints the usage and exits with 1', (args, message) => {
    const result = cli(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage:\n  fastify-ws-gateway asyncapi <module.js>');
  });

  it('the main entry loads no AsyncAPI code; bootstrap({ asyncapi }) loads it', () => {
    const loaded = (script: string) =>
      execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8', cwd: dir }).trim();
    const jsonschema = `Object.keys(require.cache).some((f) => f.includes('class-validator-jsonschema'))`;
    expect(loaded(`require('./src/index.js'); console.log(${jsonschema})`)).toBe('false');
    expect(
      loaded(
        `const { bootstrap } = require('./src/index.js'); const { ChatGateway } = require('./samples/chat/chat.gateway.js');
         const app = require('fastify')();
         bootstrap(app, [ChatGateway], { asyncapi: { path: '/a', info: { title: 't', version: '1' } } })
           .then(() => app.close()).then(() => console.log(${jsonschema}));`,
      ),
    ).toBe('true');
  });
});
