import type { ParamDefinition } from '../definition';
import type { Connection } from './connection';

/** What handler arguments are read from: the connection's session. */
export interface ArgumentSource {
  readonly connection: Connection;
  /** The upgrade request, while the runtime keeps it (during `@OnConnect`, or `usesRequest`). */
  readonly request: unknown;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
}

/** Builds a handler's argument list; `body` is the validated message body. */
export type ArgumentBuilder = (source: ArgumentSource, body: unknown) => unknown[];

type ArgumentGetter = (source: ArgumentSource, body: unknown) => unknown;

const NO_ARGUMENTS: ArgumentBuilder = () => [];
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
      return fromBody;
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

/**
 * Compiles a handler's parameter list once, at bootstrap, into a function that builds the
 * arguments for each call without looking at the definitions again.
 */
export function compileArguments(params: readonly ParamDefinition[]): ArgumentBuilder {
  let length = 0;
  for (const param of params) length = Math.max(length, param.index + 1);
  const getters: ArgumentGetter[] = new Array<ArgumentGetter>(length).fill(none);
  for (const param of params) getters[param.index] = getterFor(param);
  // The common shapes avoid the loop on the hot path.
  if (length === 0) return NO_ARGUMENTS;
  const [first, second] = getters;
  if (length === 1) return (source, body) => [first(source, body)];
  if (length === 2) return (source, body) => [first(source, body), second(source, body)];
  return (source, body) => getters.map((getter) => getter(source, body));
}
