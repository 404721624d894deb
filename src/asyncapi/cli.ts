#!/usr/bin/env node
/**
 * The `fastify-ws-gateway` command:
 *   fastify-ws-gateway asyncapi <module> [--out file] [--title t] [--version v]
 *   fastify-ws-gateway types <asyncapi.json> [--out events.ts]
 * `asyncapi` loads a compiled JS module and documents the @Gateway classes it exports;
 * `types` writes the event map for the client's `connect<Events>()`. Exit code 1 on any error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Constructor } from '../definition';
import { isGateway } from '../metadata';
import { asyncapiDocument } from './document';
import { eventMapTypes } from './event-map';

const USAGE = `Usage:
  fastify-ws-gateway asyncapi <module.js> [--out asyncapi.json] [--title <title>] [--version <version>]
      AsyncAPI 3.0.0 document of the @Gateway classes <module.js> exports (compiled JS).
      title and version default to the nearest package.json's name and version.
  fastify-ws-gateway types <asyncapi.json> [--out events.ts]
      TypeScript event map of the document, for the client's connect<Events>().
Without --out the result goes to standard output.`;

/** A failure the user can fix: printed without a stack trace, exit code 1. */
class UsageError extends Error {}

interface Arguments {
  readonly positional: string[];
  readonly flags: Map<string, string>;
}

const FLAGS = new Set(['--out', '--title', '--version']);

function parseArguments(argv: readonly string[]): Arguments {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!FLAGS.has(name)) throw new UsageError(`Unknown option ${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

/** Runs the command; returns the exit code. Output and errors go to the given streams. */
export function main(
  argv: readonly string[],
  out: (text: string) => void = (text) => process.stdout.write(text),
  err: (text: string) => void = (text) => process.stderr.write(text),
): number {
  try {
    const { positional, flags } = parseArguments(argv);
    const [command, input, ...rest] = positional;
    if (command === undefined || input === undefined || rest.length > 0) throw new UsageError('');
    let text: string;
    if (command === 'asyncapi') text = documentOf(input, flags);
    else if (command === 'types') text = typesOf(input);
    else throw new UsageError(`Unknown command "${command}"`);
    const file = flags.get('--out');
    if (file === undefined) out(text);
    else {
      writeFileSync(file, text);
      err(`Wrote ${file}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(error.message === '' ? `${USAGE}\n` : `${error.message}\n\n${USAGE}\n`);
    } else err(`fastify-ws-gateway: ${(error as Error).message}\n`);
    return 1;
  }
}

function documentOf(module: string, flags: Map<string, string>): string {
  const path = resolve(module);
  let exports: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(path);
  } catch (error) {
    throw new Error(`cannot load ${module}: ${(error as Error).message}`);
  }
  const gateways = exportedGateways(exports);
  if (gateways.length === 0) {
    throw new Error(
      `${module} exports no @Gateway class: export the gateway classes (export class ChatGateway …) from the module, compiled to CommonJS with decorator metadata, and run the project's own fastify-ws-gateway (another copy does not recognise its gateways)`,
    );
  }
  const pkg = nearestPackage(dirname(path));
  const info = {
    title: flags.get('--title') ?? pkg.name ?? 'API',
    version: flags.get('--version') ?? pkg.version ?? '0.0.0',
  };
  return `${JSON.stringify(asyncapiDocument(gateways, { info }), null, 2)}\n`;
}

/** The module's exported gateway classes (named exports and `default`), each once. */
function exportedGateways(exports: unknown): Constructor[] {
  const values =
    typeof exports === 'object' && exports !== null ? Object.values(exports) : [exports];
  return [...new Set(values.filter(isGateway) as Constructor[])];
}

function nearestPackage(from: string): { name?: string; version?: string } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (dirname(dir) === dir) return {};
  }
}

function typesOf(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not an AsyncAPI document: it is not JSON`);
  }
  try {
    return eventMapTypes(document);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
