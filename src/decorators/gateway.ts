import { recordGateway } from '../metadata';
import { injectable } from 'tsyringe';
import type { Constructor, GatewayOptions } from '../definition';
import { Errors } from '../errors';

const OPTION_KEYS = new Set<string>([
  'hooks',
  'schema',
  'limits',
  'scope',
  'codec',
  'keepHeaders',
  'allowedOrigins',
  'validator',
]);
const OBJECT_OPTIONS = ['hooks', 'schema', 'limits', 'validator'] as const;
const STRING_LIST_OPTIONS = ['keepHeaders', 'allowedOrigins'] as const;

/**
 * Makes a class a gateway served at `path` (a Fastify route pattern, params allowed). The class
 * becomes resolvable by tsyringe: constructor parameters are injected by type, no `@injectable()` needed.
 *
 * @example
 * @Gateway('/rooms/:room', { scope: 'connection', limits: { maxPayload: 16384 } })
 * class ChatGateway {
 *   constructor(private readonly store: MessageStore) {}
 * }
 */
export function Gateway(path: string, options: GatewayOptions = {}): ClassDecorator {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw Errors.INVALID_ARGUMENT(
      '@Gateway(path)',
      `path must be a string starting with "/", got ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`,
    );
  }
  assertOptions(path, options);
  return (target) => {
    recordGateway(target as unknown as Constructor, path, options);
    injectable()(target as unknown as new (...args: any[]) => unknown);
  };
}

function assertOptions(path: string, options: GatewayOptions): void {
  const where = `@Gateway(${JSON.stringify(path)}, options)`;
  if (!isRecord(options)) throw Errors.INVALID_ARGUMENT(where, 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw Errors.INVALID_ARGUMENT(
        where,
        `unknown option "${key}": use one of ${[...OPTION_KEYS].join(', ')}`,
      );
    }
  }
  for (const key of OBJECT_OPTIONS) {
    if (options[key] !== undefined && !isRecord(options[key])) {
      throw Errors.INVALID_ARGUMENT(where, `option "${key}" must be an object`);
    }
  }
  for (const key of STRING_LIST_OPTIONS) {
    const list: unknown = options[key];
    if (key === 'allowedOrigins' && list === '*') continue;
    if (
      list !== undefined &&
      !(Array.isArray(list) && list.every((item) => typeof item === 'string'))
    ) {
      const or = key === 'allowedOrigins' ? " or '*'" : '';
      throw Errors.INVALID_ARGUMENT(where, `option "${key}" must be an array of strings${or}`);
    }
  }
  const keepHeaders = options.keepHeaders as readonly string[] | undefined;
  if (keepHeaders?.some((header) => header !== header.toLowerCase())) {
    throw Errors.INVALID_ARGUMENT(
      where,
      'keepHeaders must list lower-case header names, as Node reports them',
    );
  }
  if (
    options.scope !== undefined &&
    options.scope !== 'singleton' &&
    options.scope !== 'connection'
  ) {
    throw Errors.INVALID_ARGUMENT(where, 'option "scope" must be "singleton" or "connection"');
  }
  const codec: unknown = options.codec;
  if (
    codec !== undefined &&
    !(
      isRecord(codec) &&
      typeof codec.decode === 'function' &&
      typeof codec.encode === 'function' &&
      typeof codec.binary === 'boolean'
    )
  ) {
    throw Errors.INVALID_ARGUMENT(
      where,
      'option "codec" must have decode(), encode() and a boolean "binary"',
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
