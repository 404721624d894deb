import { recordParameter } from '../metadata';
import { Errors } from '../errors';

/**
 * The shared body of `@Param(name?)` and `@Query(name?)`: one value of a record by name, or
 * the whole record when the name is omitted (`whole` says what that is, for the error).
 */
export function namedParameter(
  source: 'param' | 'query',
  decorator: '@Param' | '@Query',
  whole: string,
  name: string | undefined,
): ParameterDecorator {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw Errors.INVALID_ARGUMENT(
      `${decorator}(name)`,
      `name must be a non-empty string, or omitted for ${whole}`,
    );
  }
  const record = name === undefined ? { source } : { source, name };
  const label = `${decorator}(${name === undefined ? '' : JSON.stringify(name)})`;
  return (target, member, index) => {
    recordParameter(target, member, index, record, label);
  };
}
