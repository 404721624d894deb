import { recordParameter, type ParameterRecord } from '../metadata';
import type { PipeRef } from '../definition';
import { Errors } from '../errors';
import { pipeList } from './pipe-list';

/**
 * The shared body of `@Param(name?, ...pipes)` and `@Query(name?, ...pipes)`: one value of a
 * record by name, or the whole record when the name is omitted (`whole` says what that is,
 * for the error).
 */
export function namedParameter(
  source: 'param' | 'query',
  decorator: '@Param' | '@Query',
  whole: string,
  name: string | undefined,
  pipes: readonly PipeRef[],
): ParameterDecorator {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw Errors.INVALID_ARGUMENT(
      `${decorator}(name)`,
      `name must be a non-empty string, or omitted for ${whole}`,
    );
  }
  const label = `${decorator}(${name === undefined ? '' : JSON.stringify(name)})`;
  const record: { -readonly [K in keyof ParameterRecord]: ParameterRecord[K] } = { source };
  if (name !== undefined) record.name = name;
  const checked = pipeList(label, pipes);
  if (checked.length > 0) record.pipes = checked;
  return (target, member, index) => {
    recordParameter(target, member, index, record, label);
  };
}
