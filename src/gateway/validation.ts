/**
 * Message body validation: refuse what must never reach a DTO (non-objects, prototype keys),
 * then class-transformer builds the DTO and class-validator checks it. What depends only on the
 * DTO (merged options, sync or async, whether a flat body can be copied, a precomputed check
 * that accepts a correct flat body) is decided once, in validation-plan.ts.
 */
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import {
  validate,
  validateSync,
  type ValidationError,
  type ValidatorOptions,
} from 'class-validator';
import type { Constructor } from '../definition';
import { planDto } from './validation-plan';

/** One failed property: dotted path (`address.city`, `items.0.name`) and constraint messages. */
export interface ValidationDetail {
  readonly path: string;
  readonly constraints: Record<string, string>;
}

export type ValidationOutcome =
  | { readonly ok: true; readonly value: object }
  | {
      readonly ok: false;
      readonly details: ValidationDetail[];
      /** Rate-limit tokens the failed validation is worth beyond its frame (see `failureCost`). */
      readonly cost: number;
    };

/**
 * At most this many failed properties are listed in `details`; when more failed, a last entry
 * `{ path: '', constraints: { truncated: '<n> more failed properties not listed' } }` says how
 * many. Paths and messages are cut to `MAX_DETAIL_TEXT` characters, and listing stops once the
 * details hold `MAX_DETAILS_TEXT` characters, so an error reply stays a few KB whatever the body.
 */
export const MAX_DETAILS = 20;
export const MAX_DETAIL_TEXT = 200;
export const MAX_DETAILS_TEXT = 4096;

/**
 * A failed validation of a large body costs one rate-limit token per this many values of the
 * body: a client cannot make the server validate (and explain) large invalid bodies at the
 * message rate; a healthy neighbour's latency stays flat.
 */
export const VALUES_PER_TOKEN = 50;

/**
 * Returns synchronously unless the DTO (or a nested DTO) has an async constraint. Throws when
 * the DTO's own code throws (its constructor, a `@Transform` or `@Type` function): a bug in the DTO.
 */
export type BodyValidator = (body: unknown) => ValidationOutcome | Promise<ValidationOutcome>;

const DEFAULT_OPTIONS: ValidatorOptions = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
});

// Errors never carry the submitted value or the DTO instance, whatever the user configured.
const ERROR_SHAPE = Object.freeze({ target: false, value: false });

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function notAnObject(): ValidationOutcome {
  return {
    ok: false,
    details: [{ path: '', constraints: { isObject: 'body must be a JSON object' } }],
    cost: 0,
  };
}

/** Compiled validators per DTO, then per options object (`undefined` = defaults). */
const compiled = new WeakMap<Constructor, Map<ValidatorOptions | undefined, BodyValidator>>();

/**
 * Compiles (once per DTO and options object) a validator for message bodies of type `dto`.
 * Defaults `whitelist`, `forbidNonWhitelisted`, `forbidUnknownValues` are on; `options` merge over them.
 *
 * @example
 * const check = compileBodyValidator(SayDto);
 * const outcome = await check({ text: 'hi' }); // { ok: true, value: SayDto { text: 'hi' } }
 */
export function compileBodyValidator(dto: Constructor, options?: ValidatorOptions): BodyValidator {
  let byOptions = compiled.get(dto);
  if (byOptions === undefined) compiled.set(dto, (byOptions = new Map()));
  let validator = byOptions.get(options);
  if (validator === undefined) {
    validator = buildValidator(dto, options);
    byOptions.set(options, validator);
  }
  return validator;
}

function buildValidator(dto: Constructor, options: ValidatorOptions | undefined): BodyValidator {
  const settings: ValidatorOptions = {
    ...DEFAULT_OPTIONS,
    ...options,
    validationError: ERROR_SHAPE,
  };
  const type = dto as ClassConstructor<object>;
  const { async, copyFlat, accepts } = planDto(dto, settings);
  const check = async
    ? (instance: object) =>
        validate(instance, settings).then((errors) => toOutcome(instance, errors))
    : (instance: object) => toOutcome(instance, validateSync(instance, settings));
  return (body) => {
    const inspection = inspect(body);
    if (typeof inspection === 'object') return inspection;
    if (inspection === 'nested' || copyFlat === undefined) {
      return check(plainToInstance(type, body));
    }
    const instance = copyFlat(body as Record<string, unknown>);
    // A correct body is accepted here; anything else goes to class-validator, which explains.
    if (accepts?.(instance) === true) return { ok: true, value: instance };
    return check(instance);
  };
}

function toOutcome(instance: object, errors: ValidationError[]): ValidationOutcome {
  return errors.length === 0
    ? { ok: true, value: instance }
    : { ok: false, details: flatten(errors), cost: failureCost(instance) };
}

/** Tokens worth of validating `instance`: one per `VALUES_PER_TOKEN` values it holds, at any depth. */
function failureCost(instance: object): number {
  let values = 0;
  const pending: unknown[] = [instance];
  while (pending.length > 0) {
    const value = pending.pop();
    values++;
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) pending.push((value as Record<string, unknown>)[key]);
    }
  }
  return Math.floor(values / VALUES_PER_TOKEN);
}

/**
 * Refuses (with a failure outcome) a body that is not a plain object or holds a prototype key;
 * otherwise tells whether it is flat (no nested object or array), which allows the fast copy.
 */
function inspect(body: unknown): ValidationOutcome | 'flat' | 'nested' {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return notAnObject();
  const proto = Object.getPrototypeOf(body);
  if (proto !== Object.prototype && proto !== null) return notAnObject();
  const found = scanBody(body);
  if (typeof found === 'string') {
    const message = 'keys __proto__, constructor and prototype are not allowed';
    const details = [{ path: clip(found), constraints: { forbiddenKey: message } }];
    return { ok: false, details, cost: 0 };
  }
  return found && proto === Object.prototype ? 'flat' : 'nested';
}

/**
 * Path of the first `__proto__`/`constructor`/`prototype` own key at any depth, else whether
 * the body is flat. Iterative, so depth cannot overflow the stack; paths are built only for
 * containers, never for leaf values.
 */
function scanBody(root: object): string | boolean {
  const values: object[] = [root];
  const paths: string[] = [''];
  let flat = true;
  while (values.length > 0) {
    const value = values.pop() as Record<string, unknown>;
    const path = paths.pop() as string;
    const prefix = path === '' ? '' : path + '.';
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          paths.push(prefix + i);
        }
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return prefix + key;
      const item = value[key];
      if (typeof item === 'object' && item !== null) {
        flat = false;
        values.push(item);
        paths.push(prefix + key);
      }
    }
  }
  return flat;
}

/**
 * Flattens class-validator's error tree into dotted paths, depth first, in property order,
 * listing at most `MAX_DETAILS` of them (see there) and counting the rest.
 */
function flatten(errors: ValidationError[]): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  let text = 0;
  let unlisted = 0;
  const pending: { error: ValidationError; parent: string }[] = [];
  for (let i = errors.length - 1; i >= 0; i--) pending.push({ error: errors[i], parent: '' });
  while (pending.length > 0) {
    const { error, parent } = pending.pop() as { error: ValidationError; parent: string };
    const path =
      error.property === '' || error.property === undefined
        ? parent
        : parent === ''
          ? error.property
          : parent + '.' + error.property;
    if (error.constraints !== undefined) {
      if (details.length < MAX_DETAILS && text < MAX_DETAILS_TEXT) {
        const detail = { path: clip(path), constraints: clipAll(error.constraints) };
        text += detailLength(detail);
        details.push(detail);
      } else unlisted++;
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--)
      pending.push({ error: children[i], parent: path });
  }
  if (unlisted > 0) {
    const truncated = `${unlisted} more failed properties not listed`;
    details.push({ path: '', constraints: { truncated } });
  }
  return details;
}

/** Cuts client-chosen text (property names end up in paths and messages) to `MAX_DETAIL_TEXT`. */
function clip(text: string): string {
  return text.length <= MAX_DETAIL_TEXT ? text : text.slice(0, MAX_DETAIL_TEXT - 1) + '…';
}

function clipAll(constraints: Record<string, string>): Record<string, string> {
  const clipped: Record<string, string> = {};
  for (const key of Object.keys(constraints)) clipped[clip(key)] = clip(constraints[key]);
  return clipped;
}

function detailLength(detail: ValidationDetail): number {
  let length = detail.path.length;
  for (const key of Object.keys(detail.constraints)) {
    length += key.length + detail.constraints[key].length;
  }
  return length;
}
