/**
 * The Quick start of README.md, run as a newcomer would: samples/quick-start/src/*.ts
 * (which code-blocks.test.ts holds equal to the README's blocks) are compiled with the
 * tsconfig.json that docs/getting-started.md gives, in CommonJS and ESM projects, against the
 * package as npm installs it (its package.json "exports", the CommonJS build with .d.ts),
 * started with node, and talked to with a real ws client; its test/chat.test.ts runs under jest
 * with the jest config that docs/getting-started.md gives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import WebSocket from 'ws';
import { codeBlocks, ROOT } from './markdown';

let tmp: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  // Inside the repository, so the app's and the package's dependencies resolve to node_modules.
  tmp = mkdtempSync(join(ROOT, '.tmp-quick-start-'));
  installPackage(join(tmp, 'node_modules', 'fastify-ws-gateway'));
}, 240_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  rmSync(tmp, { recursive: true, force: true });
});

const projects = [
  {
    name: 'a CommonJS project (no "type")',
    packageJson: {},
    options: {},
    jest: { config: 'module.exports', nodeOptions: '' },
  },
  {
    name: 'an ESM project ("type": "module")',
    packageJson: { type: 'module' },
    options: {},
    jest: { config: 'export default', nodeOptions: '--experimental-vm-modules' },
  },
  {
    name: 'a project with "module": "commonjs"',
    packageJson: {},
    options: { module: 'commonjs', moduleResolution: 'bundler' },
    jest: undefined,
  },
];
type Project = (typeof projects)[number];

/** A project as the Quick start and Getting started describe it: package.json, tsconfig, src/, test/. */
function createProject(project: Project): string {
  const dir = join(tmp, project.name.replace(/\W+/g, '-'));
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', ...project.packageJson }));
  const tsconfig = documentedTsconfig();
  Object.assign(tsconfig.compilerOptions, project.options);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const file of ['src/chat.gateway.ts', 'src/main.ts', 'test/chat.test.ts']) {
    copyFileSync(join(ROOT, 'samples/quick-start', file), join(dir, file));
  }
  return dir;
}

test.each(projects)(
  'the Quick start builds and answers in $name',
  async (project) => {
    const dir = createProject(project);
    expect(compile(dir, project.options)).toEqual([]);

    const child = spawn(process.execPath, [join(dir, 'dist/main.js')], {
      cwd: dir,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const address = await listeningAddress(child);

    const socket = new WebSocket(`${address.replace(/^http/, 'ws')}/chat/lobby`);
    const frames: unknown[] = [];
    const said = new Promise((resolve) => {
      socket.on('message', (data) => {
        frames.push(JSON.parse(String(data)));
        if (frames.length === 2) resolve(frames);
      });
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ event: 'say', data: { text: 'hi' }, id: 1 }));
    await expect(said).resolves.toEqual(
      expect.arrayContaining([
        { event: 'said', data: { text: 'hi' } },
        { event: 'say', data: { ok: true }, id: 1 },
      ]),
    );
    socket.close();
  },
  120_000,
);

test.each(projects.filter((project) => project.jest !== undefined))(
  "the Quick start's test passes under jest, configured as documented, in $name",
  async (project) => {
    const dir = createProject(project);
    const [config] = codeBlocks('docs/getting-started.md').filter(
      (b) => b.lang === 'js' && b.code.includes(project.jest!.config),
    );
    writeFileSync(join(dir, 'jest.config.js'), config.code);
    const jest = spawn(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--ci', '--coverage=false', '--rootDir', dir],
      {
        cwd: dir,
        env: { ...process.env, NODE_OPTIONS: project.jest!.nodeOptions },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(jest);
    let output = '';
    jest.stdout!.on('data', (chunk) => (output += chunk));
    jest.stderr!.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => jest.once('exit', resolve));
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('1 passed') });
  },
  120_000,
);

/** The package as npm would install it: its package.json and `tsc -p tsconfig.build.json`. */
function installPackage(target: string): void {
  mkdirSync(target, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(target, 'package.json'));
  const build = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    { outDir: join(target, 'dist'), sourceMap: false },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const { emitSkipped } = ts
    .createProgram(build.fileNames, build.options, cachingHost(build.options))
    .emit();
  expect(emitSkipped).toBe(false);
}

const parsed = new Map<string, ts.SourceFile | undefined>();

/** A compiler host that parses each declaration file (lib, @types, dependencies) once for all programs. */
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const { getSourceFile } = host;
  host.getSourceFile = (fileName, version, ...rest) => {
    if (!fileName.endsWith('.d.ts')) return getSourceFile(fileName, version, ...rest);
    const key = `${fileName}\0${JSON.stringify(version)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, version, ...rest));
    return parsed.get(key);
  };
  return host;
}

/** The tsconfig.json of docs/getting-started.md: the one ```json block with compilerOptions. */
function documentedTsconfig(): { compilerOptions: Record<string, unknown> } {
  const [block] = codeBlocks('docs/getting-started.md').filter(
    (b) => b.lang === 'json' && b.code.includes('"compilerOptions"'),
  );
  return JSON.parse(block.code);
}

/** Type-checks and emits the project's src/ with its tsconfig.json; returns the errors. */
function compile(dir: string, overrides: Record<string, unknown>): string[] {
  const { compilerOptions } = documentedTsconfig();
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    { ...compilerOptions, ...overrides },
    dir,
  );
  expect(errors).toEqual([]);
  const files = ['chat.gateway.ts', 'main.ts'].map((file) => join(dir, 'src', file));
  const program = ts.createProgram(files, options, cachingHost(options));
  const diagnostics = files.flatMap((file) => {
    const source = program.getSourceFile(file)!;
    program.emit(source);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  });
  return [...program.getOptionsDiagnostics(), ...diagnostics].map(
    (d) =>
      `${d.file ? relative(dir, d.file.fileName) : ''} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
  );
}

/** Resolves with the address Fastify logs once it listens; rejects if the process exits first. */
function listeningAddress(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      const found = /Server listening at (http:\/\/[^"\s]+)/.exec(output);
      if (found) resolve(found[1]);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
