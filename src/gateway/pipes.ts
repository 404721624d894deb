/**
 * Parameter pipes: a value of a handler parameter goes through them, in order, before the
 * handler runs. What a pipe throws answers the request with `validation_failed`, naming the
 * parameter's path.
 */
import type { Constructor, ParamSource } from '../definition';

/** What a pipe knows about the value it transforms. */
export interface PipeMeta {
  /** Where the value comes from: `body`, `param` or `query`. */
  readonly source: ParamSource;
  /** The field, param or query key; absent for a whole record or body. */
  readonly name: string | undefined;
}

/**
 * A pipe class (resolved through the container) or instance.
 *
 * @example
 * class Trim implements PipeTransform<string, string> {
 *   transform(value: string) { return value.trim(); }
 * }
 */
export interface PipeTransform<T = any, R = unknown> {
  transform(value: T, meta: PipeMeta): R | PromiseLike<R>;
}

export type PipeRef =
  Constructor<PipeTransform> | PipeTransform | ((value: any, meta: PipeMeta) => unknown);

function describeSource(meta: PipeMeta): string {
  return meta.name === undefined ? `the ${meta.source}` : `"${meta.name}"`;
}

/**
 * Parses an integer (a number or a decimal string of digits, like `"42"` or `"-7"`).
 *
 * @example
 * @OnMessage('seek') seek(@MessageBody('position', ParseIntPipe) position: number) {}
 */
export class ParseIntPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, meta: PipeMeta): number {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) {
      const parsed = Number(value);
      if (Number.isSafeInteger(parsed)) return parsed;
    }
    throw new TypeError(`${describeSource(meta)} must be an integer`);
  }
}

/** Parses a finite number (a number or a numeric string). */
export class ParseFloatPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, meta: PipeMeta): number {
    const parsed =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (Number.isFinite(parsed)) return parsed;
    throw new TypeError(`${describeSource(meta)} must be a number`);
  }
}

/** Parses a boolean: `true`/`false`, or the strings `"true"`/`"false"`. */
export class ParseBoolPipe implements PipeTransform<unknown, boolean> {
  transform(value: unknown, meta: PipeMeta): boolean {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new TypeError(`${describeSource(meta)} must be a boolean`);
  }
}
