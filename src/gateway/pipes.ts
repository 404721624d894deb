/**
 * Parameter pipes: a value of a handler parameter goes through them, in order, before the
 * handler runs. What a pipe throws answers the request with `validation_failed`, naming the
 * parameter's path.
 */
import type { PipeMeta, PipeTransform } from '../definition';

export type { PipeMeta, PipeRef, PipeTransform } from '../definition';

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
