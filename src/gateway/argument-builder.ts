import type { ParamDefinition } from '../definition';
import { WIRE_ERROR_MESSAGES, WireErrorCode, WsException } from '../errors';
import { isThenable } from './thenable';
import type { Connection } from './connection';
import type { PipeMeta } from './pipes';

/** What handler arguments are read from: the connection's session. */
export interface ArgumentSource {
  readonly connection: Connection;
  /** The upgrade request, while the runtime keeps it (during `@OnConnect`, or `usesRequest`). */
  readonly request: unknown;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
}

/**
 * Builds a handler's argument list; `body` is the validated message body. Returns a promise
 * only when a parameter has an asynchronous pipe.
 */
export type ArgumentBuilder = (
  source: ArgumentSource,
  body: unknown,
) => unknown[] | Promise<unknown[]>;

/** A pipe in its normal form (see enhancers.ts), and its name for `validation_failed` details. */
export interface CompiledPipe {
  readonly transform: (value: unknown, meta: PipeMeta) => unknown;
  readonly name: string;
}

/** Turns a parameter's pipe declarations into functions (built through the container). */
export type PipeResolver = (param: ParamDefinition) => readonly CompiledPipe[];

type ArgumentGetter = (source: ArgumentSource, body: unknown) => unknown;

const NO_ARGUMENTS: ArgumentBuilder = () => [];
const ignore = (): void => undefined;
const none: ArgumentGetter = () => undefined;
const fromBody: ArgumentGetter = (_source, body) => body;
const fromConnection: ArgumentGetter = (source) => source.connection;
const fromRequest: ArgumentGetter = (source) => source.request;
const fromCode: ArgumentGetter = (source) => source.closeCode;
const fromReason: ArgumentGetter = (source) => source.closeReason;
const allParams: ArgumentGetter = (source) => source.connection.params;
const allQuery: ArgumentGetter = (source) => source.connection.query;

function getterFor(param: ParamDefinition): ArgumentGetter {
  const { name } = param;
  switch (param.source) {
    case 'body':
      // Own keys only: a body field named `toString` must not reach Object.prototype.
      return name === undefined
        ? fromBody
        : (_source, body) =>
            body !== null && typeof body === 'object' && Object.hasOwn(body, name)
              ? (body as Record<string, unknown>)[name]
              : undefined;
    case 'connection':
      return fromConnection;
    case 'request':
      return fromRequest;
    case 'code':
      return fromCode;
    case 'reason':
      return fromReason;
    case 'param':
      return name === undefined ? allParams : (source) => source.connection.params[name];
    case 'query':
      return name === undefined ? allQuery : (source) => source.connection.query[name];
  }
}

/** Where a pipe's failure points in `validation_failed` details. */
function pathOf(param: ParamDefinition): string {
  const { name } = param;
  if (param.source === 'param') return name === undefined ? 'params' : `params.${name}`;
  if (param.source === 'query') return name === undefined ? 'query' : `query.${name}`;
  return name ?? '';
}

function pipeFailure(param: ParamDefinition, pipe: CompiledPipe, error: unknown): WsException {
  const reason = error instanceof Error ? error.message : 'is invalid';
  return new WsException(WireErrorCode.ValidationFailed, WIRE_ERROR_MESSAGES.validation_failed, [
    { path: pathOf(param), constraints: { [pipe.name]: reason } },
  ]);
}

/** Wraps `getter` so its value goes through `pipes` in order; a failure is `validation_failed`. */
function piped(
  param: ParamDefinition,
  getter: ArgumentGetter,
  pipes: readonly CompiledPipe[],
): ArgumentGetter {
  const meta: PipeMeta = Object.freeze({ source: param.source, name: param.name });
  const run = (value: unknown, from: number): unknown => {
    for (let index = from; index < pipes.length; index++) {
      const pipe = pipes[index];
      try {
        value = pipe.transform(value, meta);
      } catch (error) {
        throw pipeFailure(param, pipe, error);
      }
      if (isThenable(value)) {
        return Promise.resolve(value).then(
          (resolved) => run(resolved, index + 1),
          (error: unknown) => {
            throw pipeFailure(param, pipe, error);
          },
        );
      }
    }
    return value;
  };
  return (source, body) => run(getter(source, body), 0);
}

/**
 * Compiles a handler's parameter list once, at bootstrap, into a function that builds the
 * arguments for each call without looking at the definitions again.
 */
export function compileArguments(
  params: readonly ParamDefinition[],
  resolvePipes?: PipeResolver,
): ArgumentBuilder {
  let length = 0;
  let hasPipes = false;
  for (const param of params) length = Math.max(length, param.index + 1);
  const getters: ArgumentGetter[] = new Array<ArgumentGetter>(length).fill(none);
  for (const param of params) {
    const pipes =
      param.pipes === undefined || resolvePipes === undefined ? [] : resolvePipes(param);
    hasPipes ||= pipes.length > 0;
    getters[param.index] =
      pipes.length === 0 ? getterFor(param) : piped(param, getterFor(param), pipes);
  }
  // The common shapes avoid the loop on the hot path.
  if (length === 0) return NO_ARGUMENTS;
  if (hasPipes) {
    return (source, body) => {
      const args: unknown[] = [];
      let pending = false;
      for (const getter of getters) {
        let value: unknown;
        try {
          value = getter(source, body);
        } catch (error) {
          // An earlier async pipe's failure must not surface as an unhandled rejection.
          if (pending) void Promise.all(args).catch(ignore);
          throw error;
        }
        pending ||= isThenable(value);
        args.push(value);
      }
      return pending ? Promise.all(args) : args;
    };
  }
  const [first, second] = getters;
  if (length === 1) return (source, body) => [first(source, body)];
  if (length === 2) return (source, body) => [first(source, body), second(source, body)];
  return (source, body) => getters.map((getter) => getter(source, body));
}
